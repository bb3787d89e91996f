import type { Agent } from '../domain/agent.js';
import type { Block } from '../domain/block.js';
import type { Identity, IdentityProperty } from '../domain/identity.js';
import type { PageRequest } from '../domain/pagination.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { CreateIdentityRequest, UpdateIdentityRequest } from '../schemas/identities.js';
import type { IdentityListFilter } from '../store/repositories/identities.js';
import type { Repositories } from '../store/repositories/index.js';
import type { Store } from '../store/store.js';
import type { AgentService } from './agents.js';
import { pageInMemory } from './blocks.js';

/** Identities (users, orgs) that agents and blocks belong to. */
export class IdentityService {
  constructor(
    private readonly store: Store,
    private readonly agents: AgentService,
  ) {}

  async create(request: CreateIdentityRequest): Promise<Identity> {
    return this.store.transaction(async (repos) => {
      await this.assertKeyFree(repos, request.identifier_key);
      return this.createIn(repos, request);
    });
  }

  /** `PUT /v1/identities`: creates the identity, or replaces the one with the same identifier_key. */
  async upsert(request: CreateIdentityRequest): Promise<Identity> {
    return this.store.transaction(async (repos) => {
      const existing = await repos.identities.findIdByKey(request.identifier_key);
      if (!existing) return this.createIn(repos, request);
      await repos.identities.update(existing, {
        name: request.name,
        identityType: request.identity_type,
        projectId: request.project_id ?? null,
        properties: (request.properties ?? []) as IdentityProperty[],
      });
      await this.setLinks(repos, existing, request.agent_ids ?? [], request.block_ids ?? []);
      return repos.identities.get(existing);
    });
  }

  get(identityId: string): Promise<Identity> {
    return this.store.repos.identities.get(identityId);
  }

  list(filter: IdentityListFilter, page: PageRequest): Promise<Identity[]> {
    return this.store.repos.identities.list(filter, page);
  }

  count(filter: IdentityListFilter = {}): Promise<number> {
    return this.store.repos.identities.countMatching(filter);
  }

  async update(identityId: string, request: UpdateIdentityRequest): Promise<Identity> {
    return this.store.transaction(async (repos) => {
      const current = await repos.identities.get(identityId);
      if (request.identifier_key && request.identifier_key !== current.identifierKey) await this.assertKeyFree(repos, request.identifier_key);
      await repos.identities.update(identityId, {
        ...(request.identifier_key ? { identifierKey: request.identifier_key } : {}),
        ...(request.name ? { name: request.name } : {}),
        ...(request.identity_type ? { identityType: request.identity_type } : {}),
        ...(request.properties ? { properties: request.properties as IdentityProperty[] } : {}),
      });
      await this.setLinks(repos, identityId, request.agent_ids, request.block_ids);
      return repos.identities.get(identityId);
    });
  }

  async setProperties(identityId: string, properties: IdentityProperty[]): Promise<Identity> {
    return this.store.transaction(async (repos) => {
      await repos.identities.update(identityId, { properties });
      return repos.identities.get(identityId);
    });
  }

  /** Deleting an identity detaches it from its agents and blocks; they stay. */
  async delete(identityId: string): Promise<void> {
    await this.store.repos.identities.delete(identityId);
  }

  async agentsOf(identityId: string, page: PageRequest): Promise<Agent[]> {
    const identity = await this.store.repos.identities.get(identityId);
    const ids = pageInMemory(identity.agentIds.map((id) => ({ id })), page).map((item) => item.id);
    return this.agents.getMany(ids);
  }

  async blocksOf(identityId: string, page: PageRequest): Promise<Block[]> {
    const identity = await this.store.repos.identities.get(identityId);
    const ids = pageInMemory(identity.blockIds.map((id) => ({ id })), page).map((item) => item.id);
    return Promise.all(ids.map((id) => this.store.repos.blocks.get(id)));
  }

  async attachToAgent(agentId: string, identityId: string): Promise<void> {
    await this.store.transaction(async (repos) => {
      await repos.agents.assertExists(agentId);
      await repos.identities.get(identityId);
      await repos.identities.attachAgent(identityId, agentId);
    });
  }

  async detachFromAgent(agentId: string, identityId: string): Promise<void> {
    await this.store.transaction(async (repos) => {
      await repos.agents.assertExists(agentId);
      await repos.identities.get(identityId);
      if (!(await repos.identities.detachAgent(identityId, agentId))) {
        throw new NotFoundError('identity', identityId, ` attached to agent ${agentId}`);
      }
    });
  }

  async attachToBlock(blockId: string, identityId: string): Promise<Block> {
    return this.store.transaction(async (repos) => {
      const block = await repos.blocks.get(blockId);
      await repos.identities.get(identityId);
      await repos.identities.attachBlock(identityId, blockId);
      return block;
    });
  }

  async detachFromBlock(blockId: string, identityId: string): Promise<Block> {
    return this.store.transaction(async (repos) => {
      const block = await repos.blocks.get(blockId);
      await repos.identities.get(identityId);
      if (!(await repos.identities.detachBlock(identityId, blockId))) {
        throw new NotFoundError('identity', identityId, ` attached to block ${blockId}`);
      }
      return block;
    });
  }

  private async createIn(repos: Repositories, request: CreateIdentityRequest): Promise<Identity> {
    const row = await repos.identities.create({
      identifierKey: request.identifier_key,
      name: request.name,
      identityType: request.identity_type,
      projectId: request.project_id ?? null,
      properties: (request.properties ?? []) as IdentityProperty[],
    });
    await this.setLinks(repos, row.id, request.agent_ids, request.block_ids);
    return repos.identities.get(row.id);
  }

  private async assertKeyFree(repos: Repositories, identifierKey: string): Promise<void> {
    const holder = await repos.identities.findIdByKey(identifierKey);
    if (holder) throw new ConflictError(`An identity with identifier_key "${identifierKey}" already exists (${holder})`, 'DUPLICATE_IDENTIFIER_KEY');
  }

  /** Replaces the identity's agents and blocks when given; every id must exist. */
  private async setLinks(repos: Repositories, identityId: string, agentIds?: string[] | null, blockIds?: string[] | null): Promise<void> {
    if (agentIds) {
      const found = new Set((await repos.agents.findMany([...new Set(agentIds)])).map((agent) => agent.id));
      const missing = agentIds.find((id) => !found.has(id));
      if (missing) throw new NotFoundError('agent', missing);
      await repos.identities.setAgents(identityId, agentIds);
    }
    if (blockIds) {
      for (const id of new Set(blockIds)) await repos.blocks.get(id);
      await repos.identities.setBlocks(identityId, blockIds);
    }
  }
}
