import type { Block, BlockInput, BlockPatch } from '../../domain/block.js';
import { DEFAULT_BLOCK_LIMIT } from '../../domain/block.js';
import type { PageRequest } from '../../domain/pagination.js';
import { NotFoundError } from '../../errors.js';
import { newId } from '../../ids.js';
import { decodeJson, encodeJsonOrNull, flag, fromFlag, now } from '../json.js';
import { countRows, paginate } from '../pagination.js';
import type { StoreDialect } from '../dialects/dialect.js';
import type { Executor } from '../store.js';
import type { BlockRow, BlockRowUpdate } from '../tables.js';

export function toBlock(row: BlockRow): Block {
  return {
    id: row.id,
    label: row.label,
    value: row.value,
    limit: row.char_limit,
    description: row.description,
    readOnly: fromFlag(row.read_only),
    hidden: fromFlag(row.hidden),
    preserveOnMigration: fromFlag(row.preserve_on_migration),
    metadata: decodeJson(row.metadata),
    tags: decodeJson(row.tags),
    templateName: row.template_name,
    isTemplate: fromFlag(row.is_template),
    templateId: row.template_id,
    baseTemplateId: row.base_template_id,
    deploymentId: row.deployment_id,
    entityId: row.entity_id,
    projectId: row.project_id,
    createdById: row.created_by_id,
    lastUpdatedById: row.last_updated_by_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function patchToRow(patch: BlockPatch): BlockRowUpdate {
  const row: BlockRowUpdate = {};
  if (patch.label !== undefined) row.label = patch.label;
  if (patch.value !== undefined) row.value = patch.value;
  if (patch.limit !== undefined) row.char_limit = patch.limit;
  if (patch.description !== undefined) row.description = patch.description;
  if (patch.readOnly !== undefined) row.read_only = flag(patch.readOnly);
  if (patch.hidden !== undefined) row.hidden = flag(patch.hidden);
  if (patch.preserveOnMigration !== undefined) row.preserve_on_migration = flag(patch.preserveOnMigration);
  if (patch.metadata !== undefined) row.metadata = encodeJsonOrNull(patch.metadata);
  if (patch.tags !== undefined) row.tags = encodeJsonOrNull(patch.tags);
  if (patch.templateName !== undefined) row.template_name = patch.templateName;
  if (patch.isTemplate !== undefined) row.is_template = flag(patch.isTemplate);
  if (patch.templateId !== undefined) row.template_id = patch.templateId;
  if (patch.baseTemplateId !== undefined) row.base_template_id = patch.baseTemplateId;
  if (patch.deploymentId !== undefined) row.deployment_id = patch.deploymentId;
  if (patch.entityId !== undefined) row.entity_id = patch.entityId;
  if (patch.projectId !== undefined) row.project_id = patch.projectId;
  return row;
}

export interface BlockListFilter {
  label?: string | null;
  templatesOnly?: boolean | null;
  name?: string | null;
  identityId?: string | null;
  identifierKeys?: string[] | null;
  projectId?: string | null;
  labelSearch?: string | null;
  descriptionSearch?: string | null;
  valueSearch?: string | null;
  connectedToAgentsCountGt?: number | null;
  connectedToAgentsCountLt?: number | null;
  connectedToAgentsCountEq?: number[] | null;
  tags?: string[] | null;
  matchAllTags?: boolean | null;
}

export class BlockRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: StoreDialect,
  ) {}

  async create(input: BlockInput): Promise<Block> {
    const at = now();
    const row = await this.db
      .insertInto('blocks')
      .values({
        id: newId('block'),
        label: input.label,
        value: input.value,
        char_limit: input.limit ?? DEFAULT_BLOCK_LIMIT,
        description: input.description ?? null,
        read_only: flag(input.readOnly ?? false),
        hidden: flag(input.hidden ?? null),
        preserve_on_migration: flag(input.preserveOnMigration ?? null),
        metadata: encodeJsonOrNull(input.metadata ?? {}),
        tags: encodeJsonOrNull(input.tags ?? null),
        template_name: input.templateName ?? null,
        is_template: flag(input.isTemplate ?? false),
        template_id: input.templateId ?? null,
        base_template_id: input.baseTemplateId ?? null,
        deployment_id: input.deploymentId ?? null,
        entity_id: input.entityId ?? null,
        project_id: input.projectId ?? null,
        created_by_id: null,
        last_updated_by_id: null,
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (input.tags?.length) await this.writeTags(row.id, input.tags);
    return toBlock(row);
  }

  async find(id: string): Promise<Block | undefined> {
    const row = await this.db.selectFrom('blocks').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toBlock(row);
  }

  async get(id: string): Promise<Block> {
    const block = await this.find(id);
    if (!block) throw new NotFoundError('block', id);
    return block;
  }

  async update(id: string, patch: BlockPatch): Promise<Block> {
    const row = await this.db
      .updateTable('blocks')
      .set({ ...patchToRow(patch), updated_at: now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFoundError('block', id);
    if (patch.tags !== undefined) await this.writeTags(id, patch.tags);
    return toBlock(row);
  }

  async delete(id: string): Promise<void> {
    const result = await this.db.deleteFrom('blocks').where('id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new NotFoundError('block', id);
  }

  async list(filter: BlockListFilter, page: PageRequest): Promise<Block[]> {
    return (await paginate(this.db, 'blocks', this.filtered(filter), page)).map(toBlock);
  }

  countMatching(filter: BlockListFilter): Promise<number> {
    return countRows(this.filtered(filter));
  }

  private filtered(filter: BlockListFilter) {
    const { dialect } = this;
    let query = this.db.selectFrom('blocks').selectAll('blocks');
    if (filter.label) query = query.where('blocks.label', '=', filter.label);
    if (filter.templatesOnly !== undefined && filter.templatesOnly !== null) {
      query = query.where('blocks.is_template', '=', flag(filter.templatesOnly));
    }
    if (filter.name) query = query.where('blocks.template_name', '=', filter.name);
    if (filter.projectId) query = query.where('blocks.project_id', '=', filter.projectId);
    if (filter.labelSearch) query = query.where((eb) => dialect.containsIgnoringCase(eb.ref('blocks.label'), filter.labelSearch!));
    if (filter.descriptionSearch) {
      query = query.where((eb) => dialect.containsIgnoringCase(eb.ref('blocks.description'), filter.descriptionSearch!));
    }
    if (filter.valueSearch) query = query.where((eb) => dialect.containsIgnoringCase(eb.ref('blocks.value'), filter.valueSearch!));
    if (filter.identityId) {
      query = query.where('blocks.id', 'in', (eb) =>
        eb.selectFrom('identity_blocks').select('block_id').where('identity_id', '=', filter.identityId!),
      );
    }
    if (filter.identifierKeys?.length) {
      query = query.where('blocks.id', 'in', (eb) =>
        eb
          .selectFrom('identity_blocks')
          .innerJoin('identities', 'identities.id', 'identity_blocks.identity_id')
          .select('identity_blocks.block_id')
          .where('identities.identifier_key', 'in', filter.identifierKeys!),
      );
    }
    const agentCount = (eb: any) =>
      eb.selectFrom('agent_blocks').select(eb.fn.countAll().as('n')).whereRef('agent_blocks.block_id', '=', 'blocks.id');
    if (filter.connectedToAgentsCountGt !== undefined && filter.connectedToAgentsCountGt !== null) {
      query = query.where((eb) => eb(agentCount(eb), '>', filter.connectedToAgentsCountGt!));
    }
    if (filter.connectedToAgentsCountLt !== undefined && filter.connectedToAgentsCountLt !== null) {
      query = query.where((eb) => eb(agentCount(eb), '<', filter.connectedToAgentsCountLt!));
    }
    if (filter.connectedToAgentsCountEq?.length) {
      query = query.where((eb) => eb(agentCount(eb), 'in', filter.connectedToAgentsCountEq!));
    }
    if (filter.tags?.length) {
      const tags = [...new Set(filter.tags)];
      query = query.where('blocks.id', 'in', (eb) => {
        const tagged = eb.selectFrom('block_tags').select('block_id').where('tag', 'in', tags).groupBy('block_id');
        return filter.matchAllTags ? tagged.having((h) => h.fn.countAll(), '=', tags.length) : tagged;
      });
    }
    return query;
  }

  private async writeTags(blockId: string, tags: string[] | null | undefined): Promise<void> {
    await this.db.deleteFrom('block_tags').where('block_id', '=', blockId).execute();
    const unique = [...new Set(tags ?? [])];
    if (unique.length) await this.db.insertInto('block_tags').values(unique.map((tag) => ({ block_id: blockId, tag }))).execute();
  }

  /** Agent ids each block is attached to. */
  async agentIdsOf(blockId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('agent_blocks').select('agent_id').where('block_id', '=', blockId).execute();
    return rows.map((row) => row.agent_id);
  }
}
