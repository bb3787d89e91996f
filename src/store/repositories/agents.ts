import type { AgentListFilter, AgentRecord, AgentSecret, AgentTool, AgentType, JsonObject, ToolRule } from '../../domain/agent.js';
import type { Block } from '../../domain/block.js';
import type { PageRequest } from '../../domain/pagination.js';
import { NotFoundError } from '../../errors.js';
import { newId } from '../../ids.js';
import { decodeJson, encodeJson, encodeJsonOrNull, flag, fromFlag, now } from '../json.js';
import { countRows, paginate } from '../pagination.js';
import type { StoreDialect } from '../dialects/dialect.js';
import type { Executor } from '../store.js';
import type { AgentRow, AgentRowUpdate, AgentSecretRow, NewAgentRow } from '../tables.js';
import { toBlock } from './blocks.js';
import { toTool } from './tools.js';
import { groupBy } from './group-by.js';

export function toAgentRecord(row: AgentRow): AgentRecord {
  return {
    id: row.id,
    name: row.name,
    agentType: row.agent_type as AgentType,
    description: row.description,
    system: row.system,
    model: row.model,
    llmConfig: decodeJson<JsonObject>(row.llm_config),
    embedding: row.embedding,
    embeddingConfig: decodeJson(row.embedding_config),
    modelSettings: decodeJson(row.model_settings),
    compactionSettings: decodeJson(row.compaction_settings),
    responseFormat: decodeJson(row.response_format),
    toolRules: decodeJson<ToolRule[]>(row.tool_rules),
    metadata: decodeJson(row.metadata),
    timezone: row.timezone,
    maxFilesOpen: row.max_files_open,
    perFileViewWindowCharLimit: row.per_file_view_window_char_limit,
    messageBufferAutoclear: fromFlag(row.message_buffer_autoclear),
    enableSleeptime: fromFlag(row.enable_sleeptime),
    hidden: fromFlag(row.hidden),
    projectId: row.project_id,
    templateId: row.template_id,
    baseTemplateId: row.base_template_id,
    deploymentId: row.deployment_id,
    entityId: row.entity_id,
    createdById: row.created_by_id,
    lastUpdatedById: row.last_updated_by_id,
    lastRunCompletion: row.last_run_completion,
    lastRunDurationMs: row.last_run_duration_ms,
    lastStopReason: row.last_stop_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toAgentSecret(row: AgentSecretRow): AgentSecret {
  return {
    id: row.id,
    agentId: row.agent_id,
    key: row.key,
    value: row.value,
    description: row.description,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export type NewAgent = Omit<AgentRecord, 'id' | 'createdAt' | 'updatedAt'>;
export type AgentPatch = Partial<Omit<AgentRecord, 'id' | 'createdAt' | 'updatedAt'>>;

const COLUMN_OF: { [K in keyof AgentPatch]-?: keyof AgentRowUpdate } = {
  name: 'name',
  agentType: 'agent_type',
  description: 'description',
  system: 'system',
  model: 'model',
  llmConfig: 'llm_config',
  embedding: 'embedding',
  embeddingConfig: 'embedding_config',
  modelSettings: 'model_settings',
  compactionSettings: 'compaction_settings',
  responseFormat: 'response_format',
  toolRules: 'tool_rules',
  metadata: 'metadata',
  timezone: 'timezone',
  maxFilesOpen: 'max_files_open',
  perFileViewWindowCharLimit: 'per_file_view_window_char_limit',
  messageBufferAutoclear: 'message_buffer_autoclear',
  enableSleeptime: 'enable_sleeptime',
  hidden: 'hidden',
  projectId: 'project_id',
  templateId: 'template_id',
  baseTemplateId: 'base_template_id',
  deploymentId: 'deployment_id',
  entityId: 'entity_id',
  createdById: 'created_by_id',
  lastUpdatedById: 'last_updated_by_id',
  lastRunCompletion: 'last_run_completion',
  lastRunDurationMs: 'last_run_duration_ms',
  lastStopReason: 'last_stop_reason',
};
const JSON_FIELDS = new Set<keyof AgentPatch>(['llmConfig', 'embeddingConfig', 'modelSettings', 'compactionSettings', 'responseFormat', 'toolRules', 'metadata']);
const FLAG_FIELDS = new Set<keyof AgentPatch>(['messageBufferAutoclear', 'enableSleeptime', 'hidden']);

function patchToRow(patch: AgentPatch): AgentRowUpdate {
  const row: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(patch) as [keyof AgentPatch, unknown][]) {
    if (value === undefined) continue;
    const column = COLUMN_OF[field];
    if (JSON_FIELDS.has(field)) row[column] = encodeJsonOrNull(value);
    else if (FLAG_FIELDS.has(field)) row[column] = flag(value as boolean | null);
    else row[column] = value;
  }
  return row as AgentRowUpdate;
}

export type AgentOrderBy = 'created_at' | 'updated_at' | 'last_run_completion';


export class AgentRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: StoreDialect,
  ) {}

  async insert(agent: NewAgent): Promise<AgentRecord> {
    const at = now();
    const row = { ...(patchToRow(agent) as NewAgentRow), id: newId('agent'), created_at: at, updated_at: at };
    const inserted = await this.db.insertInto('agents').values(row).returningAll().executeTakeFirstOrThrow();
    return toAgentRecord(inserted);
  }

  async find(id: string): Promise<AgentRecord | undefined> {
    const row = await this.db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toAgentRecord(row);
  }

  async findMany(ids: string[]): Promise<AgentRecord[]> {
    if (!ids.length) return [];
    const rows = await this.db.selectFrom('agents').selectAll().where('id', 'in', ids).execute();
    return rows.map(toAgentRecord);
  }

  async get(id: string): Promise<AgentRecord> {
    const agent = await this.find(id);
    if (!agent) throw new NotFoundError('agent', id);
    return agent;
  }

  async assertExists(id: string): Promise<void> {
    const row = await this.db.selectFrom('agents').select('id').where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('agent', id);
  }

  async update(id: string, patch: AgentPatch): Promise<AgentRecord> {
    const row = await this.db
      .updateTable('agents')
      .set({ ...patchToRow(patch), updated_at: now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFoundError('agent', id);
    return toAgentRecord(row);
  }

  /** Marks the agent as changed (a relationship was edited). */
  async touch(id: string): Promise<void> {
    await this.db.updateTable('agents').set({ updated_at: now() }).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    const result = await this.db.deleteFrom('agents').where('id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new NotFoundError('agent', id);
  }

  async count(): Promise<number> {
    return this.countMatching({});
  }

  async list(filter: AgentListFilter, page: PageRequest, orderBy: AgentOrderBy = 'created_at'): Promise<AgentRecord[]> {
    const rows = await paginate(this.db, 'agents', this.filtered(filter), page, orderBy, { nullable: orderBy === 'last_run_completion' });
    return rows.map(toAgentRecord);
  }

  countMatching(filter: AgentListFilter): Promise<number> {
    return countRows(this.filtered(filter));
  }

  private filtered(filter: AgentListFilter) {
    const { dialect } = this;
    let query = this.db.selectFrom('agents').selectAll('agents');
    if (filter.name) query = query.where('agents.name', '=', filter.name);
    if (filter.projectId) query = query.where('agents.project_id', '=', filter.projectId);
    if (filter.templateId) query = query.where('agents.template_id', '=', filter.templateId);
    if (filter.baseTemplateId) query = query.where('agents.base_template_id', '=', filter.baseTemplateId);
    if (filter.createdById) query = query.where('agents.created_by_id', '=', filter.createdById);
    if (filter.lastStopReason) query = query.where('agents.last_stop_reason', '=', filter.lastStopReason);
    if (filter.queryText) query = query.where((eb) => dialect.containsIgnoringCase(eb.ref('agents.name'), filter.queryText!));
    if (filter.tags?.length) {
      const tags = [...new Set(filter.tags)];
      query = query.where('agents.id', 'in', (eb) => {
        const tagged = eb.selectFrom('agent_tags').select('agent_id').where('tag', 'in', tags).groupBy('agent_id');
        return filter.matchAllTags ? tagged.having((h) => h.fn.countAll(), '=', tags.length) : tagged;
      });
    }
    if (filter.identityId) {
      query = query.where('agents.id', 'in', (eb) =>
        eb.selectFrom('identity_agents').select('agent_id').where('identity_id', '=', filter.identityId!),
      );
    }
    if (filter.identifierKeys?.length) {
      query = query.where('agents.id', 'in', (eb) =>
        eb
          .selectFrom('identity_agents')
          .innerJoin('identities', 'identities.id', 'identity_agents.identity_id')
          .select('identity_agents.agent_id')
          .where('identities.identifier_key', 'in', filter.identifierKeys!),
      );
    }
    return query;
  }

  // Relationships, loaded for a whole page in one query each.

  async blocksOf(agentIds: string[]): Promise<Map<string, Block[]>> {
    if (!agentIds.length) return new Map();
    const rows = await this.db
      .selectFrom('agent_blocks')
      .innerJoin('blocks', 'blocks.id', 'agent_blocks.block_id')
      .selectAll('blocks')
      .select('agent_blocks.agent_id as owner_id')
      .where('agent_blocks.agent_id', 'in', agentIds)
      .orderBy('agent_blocks.position')
      .orderBy('blocks.id')
      .execute();
    const grouped = groupBy(rows, (row) => row.owner_id);
    return new Map([...grouped].map(([agentId, group]) => [agentId, group.map(toBlock)]));
  }

  async toolsOf(agentIds: string[]): Promise<Map<string, AgentTool[]>> {
    if (!agentIds.length) return new Map();
    const links = await this.db
      .selectFrom('agent_tools')
      .select(['agent_id', 'tool_id', 'requires_approval'])
      .where('agent_id', 'in', agentIds)
      .orderBy('position')
      .orderBy('tool_id')
      .execute();
    // Agents share most tools: read and decode each distinct tool once.
    const toolIds = [...new Set(links.map((link) => link.tool_id))];
    const rows = toolIds.length ? await this.db.selectFrom('tools').selectAll().where('id', 'in', toolIds).execute() : [];
    const tools = new Map(rows.map((row) => [row.id, toTool(row)]));
    const grouped = groupBy(links, (link) => link.agent_id);
    return new Map(
      [...grouped].map(([agentId, group]) => [
        agentId,
        group.map((link) => ({ ...tools.get(link.tool_id)!, requiresApproval: fromFlag(link.requires_approval) })),
      ]),
    );
  }

  async tagsOf(agentIds: string[]): Promise<Map<string, string[]>> {
    if (!agentIds.length) return new Map();
    const rows = await this.db.selectFrom('agent_tags').selectAll().where('agent_id', 'in', agentIds).orderBy('tag').execute();
    const grouped = groupBy(rows, (row) => row.agent_id);
    return new Map([...grouped].map(([agentId, group]) => [agentId, group.map((row) => row.tag)]));
  }

  async secretsOf(agentIds: string[]): Promise<Map<string, AgentSecret[]>> {
    if (!agentIds.length) return new Map();
    const rows = await this.db.selectFrom('agent_secrets').selectAll().where('agent_id', 'in', agentIds).orderBy('key').execute();
    const grouped = groupBy(rows, (row) => row.agent_id);
    return new Map([...grouped].map(([agentId, group]) => [agentId, group.map(toAgentSecret)]));
  }

  async inContextMessageIdsOf(agentIds: string[]): Promise<Map<string, string[]>> {
    if (!agentIds.length) return new Map();
    const rows = await this.db
      .selectFrom('conversations')
      .select(['agent_id', 'in_context_message_ids'])
      .where('agent_id', 'in', agentIds)
      .where('is_default', '=', 1)
      .execute();
    return new Map(rows.map((row) => [row.agent_id, decodeJson<string[]>(row.in_context_message_ids)]));
  }

  // Relationship edits.

  async attachBlock(agentId: string, block: Block): Promise<void> {
    const position = await this.nextPosition('agent_blocks', agentId);
    await this.db.insertInto('agent_blocks').values({ agent_id: agentId, block_id: block.id, label: block.label, position, attached_at: now() }).execute();
  }

  private async nextPosition(table: 'agent_blocks' | 'agent_tools', agentId: string): Promise<number> {
    const row = await this.db
      .selectFrom(table)
      .select((eb) => eb.fn.max('position').as('last'))
      .where('agent_id', '=', agentId)
      .executeTakeFirst();
    return Number(row?.last ?? 0) + 1;
  }

  async detachBlock(agentId: string, blockId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('agent_blocks').where('agent_id', '=', agentId).where('block_id', '=', blockId).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async blockIdByLabel(agentId: string, label: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('agent_blocks')
      .select('block_id')
      .where('agent_id', '=', agentId)
      .where('label', '=', label)
      .executeTakeFirst();
    return row?.block_id;
  }

  async hasBlock(agentId: string, blockId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('agent_blocks')
      .select('block_id')
      .where('agent_id', '=', agentId)
      .where('block_id', '=', blockId)
      .executeTakeFirst();
    return Boolean(row);
  }

  /** Keeps the label copy in agent_blocks in step with a block's new label. */
  async relabelBlock(blockId: string, label: string): Promise<void> {
    await this.db.updateTable('agent_blocks').set({ label }).where('block_id', '=', blockId).execute();
  }

  /** Agents holding a block other than `blockId` under `label`, among the agents holding `blockId`. */
  async labelClashes(blockId: string, label: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('agent_blocks as mine')
      .innerJoin('agent_blocks as other', (join) => join.onRef('other.agent_id', '=', 'mine.agent_id'))
      .select('mine.agent_id')
      .where('mine.block_id', '=', blockId)
      .where('other.block_id', '!=', blockId)
      .where('other.label', '=', label)
      .execute();
    return rows.map((row) => row.agent_id);
  }

  async attachTools(agentId: string, toolIds: string[]): Promise<void> {
    if (!toolIds.length) return;
    const at = now();
    const first = await this.nextPosition('agent_tools', agentId);
    await this.db
      .insertInto('agent_tools')
      .values(toolIds.map((toolId, index) => ({ agent_id: agentId, tool_id: toolId, requires_approval: null, position: first + index, attached_at: at })))
      .onConflict((oc) => oc.columns(['agent_id', 'tool_id']).doNothing())
      .execute();
  }

  async detachTool(agentId: string, toolId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('agent_tools').where('agent_id', '=', agentId).where('tool_id', '=', toolId).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async detachAllTools(agentId: string): Promise<void> {
    await this.db.deleteFrom('agent_tools').where('agent_id', '=', agentId).execute();
  }

  async setToolApproval(agentId: string, toolId: string, requiresApproval: boolean): Promise<boolean> {
    const result = await this.db
      .updateTable('agent_tools')
      .set({ requires_approval: flag(requiresApproval) })
      .where('agent_id', '=', agentId)
      .where('tool_id', '=', toolId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async setTags(agentId: string, tags: string[]): Promise<void> {
    await this.db.deleteFrom('agent_tags').where('agent_id', '=', agentId).execute();
    const unique = [...new Set(tags)];
    if (unique.length) await this.db.insertInto('agent_tags').values(unique.map((tag) => ({ agent_id: agentId, tag }))).execute();
  }

  /** Replaces the agent's secrets with `secrets`, keeping ids of keys that stay. */
  async setSecrets(agentId: string, secrets: Record<string, string>): Promise<void> {
    const keys = Object.keys(secrets);
    let removal = this.db.deleteFrom('agent_secrets').where('agent_id', '=', agentId);
    if (keys.length) removal = removal.where('key', 'not in', keys);
    await removal.execute();
    const at = now();
    for (const key of keys) {
      await this.db
        .insertInto('agent_secrets')
        .values({ id: newId('agent-env'), agent_id: agentId, key, value: secrets[key]!, description: null, created_at: at, updated_at: at })
        .onConflict((oc) => oc.columns(['agent_id', 'key']).doUpdateSet({ value: secrets[key]!, updated_at: at }))
        .execute();
    }
  }

  /** Distinct tags, for `GET /v1/tags`; cursors are tags, positions in the requested order. */
  async distinctTags(page: PageRequest & { queryText?: string | null }): Promise<string[]> {
    const ascending = page.order === 'asc';
    const backwards = Boolean(page.before) && !page.after;
    let query = this.db.selectFrom('agent_tags').select('tag').distinct();
    if (page.after) query = query.where('tag', ascending ? '>' : '<', page.after);
    if (page.before) query = query.where('tag', ascending ? '<' : '>', page.before);
    if (page.queryText) query = query.where((eb) => this.dialect.containsIgnoringCase(eb.ref('tag'), page.queryText!));
    const rows = await query.orderBy('tag', ascending !== backwards ? 'asc' : 'desc').limit(page.limit).execute();
    const tags = rows.map((row) => row.tag);
    return backwards ? tags.reverse() : tags;
  }

  async createDefaultConversation(agentId: string, inContextMessageIds: string[]): Promise<string> {
    const at = now();
    const id = newId('conv');
    await this.db
      .insertInto('conversations')
      .values({
        id,
        agent_id: agentId,
        is_default: 1,
        description: null,
        summary: null,
        archived: 0,
        archived_at: null,
        hidden: 0,
        model: null,
        model_settings: null,
        context_window_limit: null,
        in_context_message_ids: encodeJson(inContextMessageIds),
        created_at: at,
        updated_at: at,
      })
      .execute();
    return id;
  }

  async defaultConversationId(agentId: string): Promise<string> {
    const row = await this.db
      .selectFrom('conversations')
      .select('id')
      .where('agent_id', '=', agentId)
      .where('is_default', '=', 1)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('agent', agentId);
    return row.id;
  }

  async inContextIdsOfConversation(conversationId: string): Promise<string[]> {
    const row = await this.db.selectFrom('conversations').select('in_context_message_ids').where('id', '=', conversationId).executeTakeFirst();
    if (!row) throw new NotFoundError('conversation', conversationId);
    return decodeJson<string[]>(row.in_context_message_ids);
  }

  async setInContextMessageIds(conversationId: string, messageIds: string[]): Promise<void> {
    await this.db
      .updateTable('conversations')
      .set({ in_context_message_ids: encodeJson(messageIds), updated_at: now() })
      .where('id', '=', conversationId)
      .execute();
  }
}

