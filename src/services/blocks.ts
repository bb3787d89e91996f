import type { Block, BlockInput, BlockPatch } from '../domain/block.js';
import { DEFAULT_BLOCK_LIMIT } from '../domain/block.js';
import type { PageRequest } from '../domain/pagination.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { CreateBlockRequest, UpdateBlockRequest } from '../schemas/blocks.js';
import type { BlockListFilter } from '../store/repositories/blocks.js';
import type { Repositories } from '../store/repositories/index.js';
import type { Store } from '../store/store.js';

export function blockInputFromRequest(request: CreateBlockRequest): BlockInput {
  return {
    label: request.label,
    value: request.value,
    limit: request.limit ?? DEFAULT_BLOCK_LIMIT,
    description: request.description ?? null,
    readOnly: request.read_only ?? false,
    hidden: request.hidden ?? null,
    preserveOnMigration: request.preserve_on_migration ?? null,
    metadata: request.metadata ?? {},
    tags: request.tags ?? null,
    templateName: request.template_name ?? null,
    isTemplate: request.is_template ?? false,
    templateId: request.template_id ?? null,
    baseTemplateId: request.base_template_id ?? null,
    deploymentId: request.deployment_id ?? null,
    entityId: request.entity_id ?? null,
    projectId: request.project_id ?? null,
  };
}

function patchFromRequest(request: UpdateBlockRequest): BlockPatch {
  const patch: BlockPatch = {};
  if (request.label !== undefined) patch.label = request.label;
  if (request.value !== undefined && request.value !== null) patch.value = request.value;
  if (request.limit !== undefined && request.limit !== null) patch.limit = request.limit;
  if (request.description !== undefined) patch.description = request.description;
  if (request.read_only !== undefined) patch.readOnly = request.read_only;
  if (request.hidden !== undefined) patch.hidden = request.hidden;
  if (request.preserve_on_migration !== undefined) patch.preserveOnMigration = request.preserve_on_migration;
  if (request.metadata !== undefined) patch.metadata = request.metadata;
  if (request.tags !== undefined) patch.tags = request.tags;
  if (request.template_name !== undefined) patch.templateName = request.template_name;
  if (request.is_template !== undefined) patch.isTemplate = request.is_template;
  if (request.template_id !== undefined) patch.templateId = request.template_id;
  if (request.base_template_id !== undefined) patch.baseTemplateId = request.base_template_id;
  if (request.deployment_id !== undefined) patch.deploymentId = request.deployment_id;
  if (request.entity_id !== undefined) patch.entityId = request.entity_id;
  if (request.project_id !== undefined) patch.projectId = request.project_id;
  return patch;
}

/** Blocks on their own (`/v1/blocks`) and as an agent's core memory. */
export class BlockService {
  constructor(private readonly store: Store) {}

  async create(request: CreateBlockRequest): Promise<Block> {
    const input = blockInputFromRequest(request);
    if (input.value.length > input.limit!) {
      throw ValidationError.field('value', `is ${input.value.length} characters, over the block's limit of ${input.limit}`);
    }
    return this.store.repos.blocks.create(input);
  }

  get(blockId: string): Promise<Block> {
    return this.store.repos.blocks.get(blockId);
  }

  list(filter: BlockListFilter, page: PageRequest): Promise<Block[]> {
    return this.store.repos.blocks.list(filter, page);
  }

  count(filter: BlockListFilter): Promise<number> {
    return this.store.repos.blocks.countMatching(filter);
  }

  update(blockId: string, request: UpdateBlockRequest): Promise<Block> {
    return this.store.transaction((repos) => this.updateIn(repos, blockId, request));
  }

  /** A block in use is not deleted: detach it from its agents first. */
  async delete(blockId: string): Promise<void> {
    await this.store.transaction(async (repos) => {
      await repos.blocks.get(blockId);
      const agentIds = await repos.blocks.agentIdsOf(blockId);
      if (agentIds.length) {
        throw new ConflictError(
          `Block ${blockId} is attached to ${agentIds.length} agent${agentIds.length > 1 ? 's' : ''} (${agentIds.slice(0, 5).join(', ')}${agentIds.length > 5 ? ', ...' : ''}); detach it before deleting it`,
          'BLOCK_IN_USE',
          { agent_ids: agentIds },
        );
      }
      await repos.blocks.delete(blockId);
    });
  }

  async agentIdsOf(blockId: string): Promise<string[]> {
    await this.store.repos.blocks.get(blockId);
    return this.store.repos.blocks.agentIdsOf(blockId);
  }

  // An agent's core memory.

  async getForAgent(agentId: string, label: string): Promise<Block> {
    return this.store.repos.blocks.get(await this.blockIdForLabel(this.store.repos, agentId, label));
  }

  async updateForAgent(agentId: string, label: string, request: UpdateBlockRequest): Promise<Block> {
    return this.store.transaction(async (repos) => this.updateIn(repos, await this.blockIdForLabel(repos, agentId, label), request));
  }

  async listForAgent(agentId: string, page: PageRequest): Promise<Block[]> {
    await this.store.repos.agents.assertExists(agentId);
    const blocks = (await this.store.repos.agents.blocksOf([agentId])).get(agentId) ?? [];
    return pageInMemory(blocks, page);
  }

  async attach(agentId: string, blockId: string): Promise<void> {
    await this.store.transaction(async (repos) => {
      await repos.agents.assertExists(agentId);
      const block = await repos.blocks.get(blockId);
      if (await repos.agents.hasBlock(agentId, blockId)) throw new ConflictError(`Block ${blockId} is already attached to agent ${agentId}`, 'ALREADY_ATTACHED');
      const holder = await repos.agents.blockIdByLabel(agentId, block.label);
      if (holder) {
        throw new ConflictError(`Agent ${agentId} already has a block labelled "${block.label}" (${holder}); an agent holds at most one block per label`, 'DUPLICATE_LABEL');
      }
      await repos.agents.attachBlock(agentId, block);
      await repos.agents.touch(agentId);
    });
  }

  async detach(agentId: string, blockId: string): Promise<void> {
    await this.store.transaction(async (repos) => {
      await repos.agents.assertExists(agentId);
      await repos.blocks.get(blockId);
      if (!(await repos.agents.detachBlock(agentId, blockId))) throw new NotFoundError('block', blockId, ` attached to agent ${agentId}`);
      await repos.agents.touch(agentId);
    });
  }

  private async blockIdForLabel(repos: Repositories, agentId: string, label: string): Promise<string> {
    await repos.agents.assertExists(agentId);
    const blockId = await repos.agents.blockIdByLabel(agentId, label);
    if (!blockId) throw new NotFoundError('block', label, ` (no block labelled "${label}" on agent ${agentId})`);
    return blockId;
  }

  private async updateIn(repos: Repositories, blockId: string, request: UpdateBlockRequest): Promise<Block> {
    const current = await repos.blocks.get(blockId);
    const patch = patchFromRequest(request);
    const value = patch.value ?? current.value;
    const limit = patch.limit ?? current.limit;
    if (value.length > limit) {
      throw ValidationError.field(patch.value !== undefined ? 'value' : 'limit', `the value is ${value.length} characters, over the block's limit of ${limit}`);
    }
    if (patch.label !== undefined && patch.label !== current.label) {
      const clashes = await repos.agents.labelClashes(blockId, patch.label);
      if (clashes.length) {
        throw new ConflictError(`Cannot relabel block ${blockId} to "${patch.label}": agent ${clashes[0]} already has a block with that label`, 'DUPLICATE_LABEL');
      }
      await repos.agents.relabelBlock(blockId, patch.label);
    }
    return repos.blocks.update(blockId, patch);
  }
}

/** Pages a short, already ordered list (an agent's blocks or tools) by item id. */
export function pageInMemory<T extends { id: string }>(items: T[], page: PageRequest): T[] {
  let ordered = page.order === 'desc' ? [...items].reverse() : items;
  if (page.after) {
    const index = ordered.findIndex((item) => item.id === page.after);
    ordered = index >= 0 ? ordered.slice(index + 1) : [];
  }
  if (page.before) {
    const index = ordered.findIndex((item) => item.id === page.before);
    ordered = index >= 0 ? ordered.slice(0, index) : [];
    if (!page.after) return ordered.slice(-page.limit);
  }
  return ordered.slice(0, page.limit);
}
