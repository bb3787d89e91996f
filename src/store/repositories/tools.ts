import type { PageRequest } from '../../domain/pagination.js';
import type { Tool, ToolListFilter, ToolInput, ToolJsonSchema, ToolPatch, ToolType } from '../../domain/tool.js';
import { DEFAULT_RETURN_CHAR_LIMIT, LETTA_TOOL_TYPES } from '../../domain/tool.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { newId } from '../../ids.js';
import { decodeJson, encodeJson, encodeJsonOrNull, flag, fromFlag, now } from '../json.js';
import { countRows, paginate } from '../pagination.js';
import type { StoreDialect } from '../dialects/dialect.js';
import type { Executor } from '../store.js';
import type { NewToolRow, ToolRow, ToolRowUpdate } from '../tables.js';

export function toTool(row: ToolRow): Tool {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    toolType: row.tool_type as ToolType,
    sourceType: row.source_type,
    sourceCode: row.source_code,
    jsonSchema: decodeJson(row.json_schema),
    argsJsonSchema: decodeJson(row.args_json_schema),
    tags: decodeJson(row.tags),
    returnCharLimit: row.return_char_limit,
    pipRequirements: decodeJson(row.pip_requirements),
    npmRequirements: decodeJson(row.npm_requirements),
    defaultRequiresApproval: fromFlag(row.default_requires_approval),
    enableParallelExecution: fromFlag(row.enable_parallel_execution),
    metadata: decodeJson(row.metadata),
    projectId: row.project_id,
    createdById: row.created_by_id,
    lastUpdatedById: row.last_updated_by_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function patchToRow(patch: ToolPatch): ToolRowUpdate {
  const row: ToolRowUpdate = {};
  if (patch.name !== undefined) row.name = patch.name;
  if (patch.description !== undefined) row.description = patch.description;
  if (patch.sourceType !== undefined) row.source_type = patch.sourceType;
  if (patch.sourceCode !== undefined) row.source_code = patch.sourceCode;
  if (patch.jsonSchema !== undefined) row.json_schema = encodeJsonOrNull(patch.jsonSchema);
  if (patch.argsJsonSchema !== undefined) row.args_json_schema = encodeJsonOrNull(patch.argsJsonSchema);
  if (patch.tags !== undefined) row.tags = encodeJson(patch.tags);
  if (patch.returnCharLimit !== undefined) row.return_char_limit = patch.returnCharLimit;
  if (patch.pipRequirements !== undefined) row.pip_requirements = encodeJsonOrNull(patch.pipRequirements);
  if (patch.npmRequirements !== undefined) row.npm_requirements = encodeJsonOrNull(patch.npmRequirements);
  if (patch.defaultRequiresApproval !== undefined) row.default_requires_approval = flag(patch.defaultRequiresApproval);
  if (patch.enableParallelExecution !== undefined) row.enable_parallel_execution = flag(patch.enableParallelExecution);
  if (patch.metadata !== undefined) row.metadata = encodeJsonOrNull(patch.metadata);
  if (patch.projectId !== undefined) row.project_id = patch.projectId;
  if (patch.createdById !== undefined) row.created_by_id = patch.createdById;
  if (patch.lastUpdatedById !== undefined) row.last_updated_by_id = patch.lastUpdatedById;
  return row;
}


export class ToolRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: StoreDialect,
  ) {}

  async find(id: string): Promise<Tool | undefined> {
    const row = await this.db.selectFrom('tools').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toTool(row);
  }

  async get(id: string): Promise<Tool> {
    const tool = await this.find(id);
    if (!tool) throw new NotFoundError('tool', id);
    return tool;
  }

  async findByName(name: string): Promise<Tool | undefined> {
    const row = await this.db.selectFrom('tools').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toTool(row);
  }

  /** Inserts a tool; a taken name is a conflict naming it. */
  async create(input: ToolInput): Promise<Tool> {
    const at = now();
    const values: NewToolRow = {
      id: newId('tool'),
      name: input.name,
      description: input.description,
      tool_type: input.toolType,
      source_type: input.sourceType,
      source_code: input.sourceCode,
      json_schema: encodeJsonOrNull(input.jsonSchema),
      args_json_schema: encodeJsonOrNull(input.argsJsonSchema),
      tags: encodeJson(input.tags),
      return_char_limit: input.returnCharLimit,
      pip_requirements: encodeJsonOrNull(input.pipRequirements),
      npm_requirements: encodeJsonOrNull(input.npmRequirements),
      default_requires_approval: flag(input.defaultRequiresApproval),
      enable_parallel_execution: flag(input.enableParallelExecution),
      metadata: encodeJsonOrNull(input.metadata),
      project_id: input.projectId,
      created_by_id: input.createdById,
      last_updated_by_id: input.lastUpdatedById,
      created_at: at,
      updated_at: at,
    };
    try {
      return toTool(await this.db.insertInto('tools').values(values).returningAll().executeTakeFirstOrThrow());
    } catch (error) {
      throw this.nameConflictOr(error, input.name);
    }
  }

  async update(id: string, patch: ToolPatch): Promise<Tool> {
    let row: ToolRow | undefined;
    try {
      row = await this.db
        .updateTable('tools')
        .set({ ...patchToRow(patch), updated_at: now() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    } catch (error) {
      throw this.nameConflictOr(error, patch.name ?? '');
    }
    if (!row) throw new NotFoundError('tool', id);
    return toTool(row);
  }

  async delete(id: string): Promise<void> {
    const result = await this.db.deleteFrom('tools').where('id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new NotFoundError('tool', id);
  }

  async list(filter: ToolListFilter, page: PageRequest): Promise<Tool[]> {
    return (await paginate(this.db, 'tools', this.filtered(filter), page)).map(toTool);
  }

  count(filter: ToolListFilter): Promise<number> {
    return countRows(this.filtered(filter));
  }

  /** Agents the tool is attached to, in attachment order. */
  async agentIdsOf(toolId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('agent_tools').select('agent_id').where('tool_id', '=', toolId).orderBy('attached_at').orderBy('agent_id').execute();
    return rows.map((row) => row.agent_id);
  }

  async isAttached(agentId: string, toolId: string): Promise<boolean> {
    const row = await this.db.selectFrom('agent_tools').select('tool_id').where('agent_id', '=', agentId).where('tool_id', '=', toolId).executeTakeFirst();
    return Boolean(row);
  }

  /** The tool of this name attached to the agent, if any. */
  async findAttachedByName(agentId: string, name: string): Promise<Tool | undefined> {
    const row = await this.db
      .selectFrom('agent_tools')
      .innerJoin('tools', 'tools.id', 'agent_tools.tool_id')
      .selectAll('tools')
      .where('agent_tools.agent_id', '=', agentId)
      .where('tools.name', '=', name)
      .executeTakeFirst();
    return row && toTool(row);
  }

  private filtered(filter: ToolListFilter) {
    const { dialect } = this;
    let query = this.db.selectFrom('tools').selectAll('tools');
    if (filter.name) query = query.where('tools.name', '=', filter.name);
    if (filter.names?.length) query = query.where('tools.name', 'in', filter.names);
    if (filter.toolIds?.length) query = query.where('tools.id', 'in', filter.toolIds);
    if (filter.search) query = query.where((eb) => dialect.containsIgnoringCase(eb.ref('tools.name'), filter.search!));
    if (filter.toolTypes?.length) query = query.where('tools.tool_type', 'in', filter.toolTypes);
    if (filter.excludeToolTypes?.length) query = query.where('tools.tool_type', 'not in', filter.excludeToolTypes);
    if (filter.onlyLettaTools) query = query.where('tools.tool_type', 'in', LETTA_TOOL_TYPES);
    if (filter.excludeLettaTools) query = query.where('tools.tool_type', 'not in', LETTA_TOOL_TYPES);
    return query;
  }

  private nameConflictOr(error: unknown, name: string): unknown {
    return this.dialect.isUniqueViolation(error) ? new ConflictError(`A tool named "${name}" already exists`, 'DUPLICATE_TOOL_NAME', { name }) : error;
  }

  async findByNames(names: string[]): Promise<Tool[]> {
    if (!names.length) return [];
    const rows = await this.db.selectFrom('tools').selectAll().where('name', 'in', names).execute();
    return rows.map(toTool);
  }

  async findByIds(ids: string[]): Promise<Tool[]> {
    if (!ids.length) return [];
    const rows = await this.db.selectFrom('tools').selectAll().where('id', 'in', ids).execute();
    return rows.map(toTool);
  }

  /** Creates or refreshes a built-in tool by name; safe when several processes start at once. */
  async upsertBuiltin(tool: { name: string; toolType: ToolType; description: string; jsonSchema: ToolJsonSchema }): Promise<void> {
    const at = now();
    const schema = encodeJson(tool.jsonSchema);
    await this.db
      .insertInto('tools')
      .values({
        id: newId('tool'),
        name: tool.name,
        description: tool.description,
        tool_type: tool.toolType,
        source_type: 'python',
        source_code: null,
        json_schema: schema,
        args_json_schema: null,
        tags: encodeJson([tool.toolType]),
        return_char_limit: DEFAULT_RETURN_CHAR_LIMIT,
        pip_requirements: null,
        npm_requirements: null,
        default_requires_approval: null,
        enable_parallel_execution: null,
        metadata: encodeJson({}),
        project_id: null,
        created_by_id: null,
        last_updated_by_id: null,
        created_at: at,
        updated_at: at,
      })
      .onConflict((oc) => oc.column('name').doUpdateSet({ description: tool.description, tool_type: tool.toolType, json_schema: schema }))
      .execute();
  }
}
