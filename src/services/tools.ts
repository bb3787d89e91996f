import { createHash } from 'node:crypto';
import type { PageRequest } from '../domain/pagination.js';
import {
  DEFAULT_RETURN_CHAR_LIMIT,
  isBuiltinTool,
  type Tool,
  type ToolInput,
  type ToolJsonSchema,
  type ToolPatch,
  type ToolSourceType,
} from '../domain/tool.js';
import type { ToolOutcome } from '../engine/agent-loop.js';
import { ConflictError, MnemoError, NotFoundError, ValidationError, type ValidationIssue } from '../errors.js';
import type { CreateToolRequest, RunToolFromSourceRequest, UpdateToolRequest } from '../schemas/tools.js';
import type { Repositories } from '../store/repositories/index.js';
import type { ToolListFilter } from '../domain/tool.js';
import type { Store } from '../store/store.js';
import { BUILTIN_TOOLS, builtinJsonSchema } from '../tools/builtin/catalog.js';
import { derivePythonToolSchema, PythonSchemaError } from '../tools/python-schema.js';
import { pageInMemory } from './blocks.js';
import { AgentToolRunner, runUserTool, type ToolRunnerServices } from './tool-runner.js';

/** What a model sees of a tool: its name, description and parameters. */
interface ToolSignature {
  name: string;
  description: string | null;
  jsonSchema: ToolJsonSchema;
}

/** The fields that decide a tool's signature, old values filled in for an update. */
interface SignatureSource {
  sourceCode: string;
  sourceType: ToolSourceType;
  jsonSchema?: Record<string, unknown> | null;
  argsJsonSchema?: Record<string, unknown> | null;
}

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks an object-typed parameters schema, reporting problems under `path`. */
function checkParameters(value: unknown, path: string, issues: ValidationIssue[]): void {
  if (!isObject(value)) {
    issues.push({ path, message: 'must be a JSON schema object such as {"type": "object", "properties": {...}}' });
    return;
  }
  if (value.type !== 'object') issues.push({ path: `${path}.type`, message: 'must be "object"' });
  if (value.properties !== undefined && !isObject(value.properties)) issues.push({ path: `${path}.properties`, message: 'must be an object' });
  if (value.required !== undefined && !(Array.isArray(value.required) && value.required.every((name) => typeof name === 'string'))) {
    issues.push({ path: `${path}.required`, message: 'must be a list of parameter names' });
  }
}

/** A client's `json_schema`: it needs a usable function name and object parameters. */
/** Checks a tool's JSON schema as a model will see it; issues are named under `json_schema`. */
export function checkJsonSchema(schema: Record<string, unknown>): ToolJsonSchema {
  const issues: ValidationIssue[] = [];
  if (typeof schema.name !== 'string' || !TOOL_NAME.test(schema.name)) {
    issues.push({ path: 'json_schema.name', message: 'must be a function name of 1 to 64 letters, digits, "_" or "-"' });
  }
  if (schema.description !== undefined && schema.description !== null && typeof schema.description !== 'string') {
    issues.push({ path: 'json_schema.description', message: 'must be a string' });
  }
  checkParameters(schema.parameters, 'json_schema.parameters', issues);
  if (issues.length) throw new ValidationError(issues);
  return schema as ToolJsonSchema;
}

function checkArgsJsonSchema(schema: Record<string, unknown>): ToolJsonSchema['parameters'] {
  const issues: ValidationIssue[] = [];
  checkParameters(schema, 'args_json_schema', issues);
  if (issues.length) throw new ValidationError(issues);
  return { type: 'object', properties: (schema.properties as Record<string, unknown> | undefined) ?? {}, required: (schema.required as string[] | undefined) ?? [] };
}

async function derivePython(sourceCode: string): Promise<{ name: string; description: string | null; parameters: ToolJsonSchema['parameters'] }> {
  try {
    const derived = await derivePythonToolSchema(sourceCode);
    return { name: derived.name, description: derived.description || null, parameters: derived.parameters };
  } catch (error) {
    if (error instanceof PythonSchemaError) throw ValidationError.field('source_code', error.message.replace(/^source_code:\s*/, ''));
    throw error;
  }
}

/**
 * A tool's signature: an explicit `json_schema` wins; otherwise Python source gives the name and
 * description (and parameters, unless `args_json_schema` gives them). TypeScript needs `json_schema`.
 */
async function signatureOf(source: SignatureSource): Promise<ToolSignature> {
  if (source.jsonSchema) {
    const jsonSchema = checkJsonSchema(source.jsonSchema);
    return { name: jsonSchema.name, description: typeof jsonSchema.description === 'string' ? jsonSchema.description : null, jsonSchema };
  }
  if (source.sourceType === 'typescript') {
    throw ValidationError.field('json_schema', 'is required for TypeScript tools (source_type "typescript"): their schema is not derived from the source');
  }
  const argsParameters = source.argsJsonSchema ? checkArgsJsonSchema(source.argsJsonSchema) : undefined;
  const derived = await derivePython(source.sourceCode);
  const parameters = argsParameters ?? derived.parameters;
  const jsonSchema: ToolJsonSchema = { name: derived.name, ...(derived.description !== null ? { description: derived.description } : {}), parameters };
  return { name: derived.name, description: derived.description, jsonSchema };
}

async function toolInputFromRequest(request: CreateToolRequest): Promise<ToolInput> {
  const sourceType = request.source_type ?? 'python';
  const signature = await signatureOf({ sourceCode: request.source_code, sourceType, jsonSchema: request.json_schema, argsJsonSchema: request.args_json_schema });
  return {
    name: signature.name,
    description: request.description ?? signature.description,
    toolType: 'custom',
    sourceType,
    sourceCode: request.source_code,
    jsonSchema: signature.jsonSchema,
    argsJsonSchema: request.args_json_schema ?? null,
    tags: request.tags ?? [],
    returnCharLimit: request.return_char_limit ?? DEFAULT_RETURN_CHAR_LIMIT,
    pipRequirements: request.pip_requirements ?? null,
    npmRequirements: request.npm_requirements ?? null,
    defaultRequiresApproval: request.default_requires_approval ?? null,
    enableParallelExecution: request.enable_parallel_execution ?? false,
    metadata: request.metadata_ ?? {},
    projectId: null,
    createdById: null,
    lastUpdatedById: null,
  };
}

/** The plain fields of an update; `null` and absent leave a field as it is. */
function simplePatch(request: UpdateToolRequest): ToolPatch {
  const patch: ToolPatch = {};
  if (request.description != null) patch.description = request.description;
  if (request.tags != null) patch.tags = request.tags;
  if (request.return_char_limit != null) patch.returnCharLimit = request.return_char_limit;
  if (request.pip_requirements != null) patch.pipRequirements = request.pip_requirements;
  if (request.npm_requirements != null) patch.npmRequirements = request.npm_requirements;
  if (request.default_requires_approval != null) patch.defaultRequiresApproval = request.default_requires_approval;
  if (request.enable_parallel_execution != null) patch.enableParallelExecution = request.enable_parallel_execution;
  if (request.metadata_ != null) patch.metadata = request.metadata_;
  return patch;
}

function refuseBuiltin(tool: Tool, action: string): void {
  if (isBuiltinTool(tool)) {
    throw new ConflictError(`Tool "${tool.name}" (${tool.id}) is built in and cannot be ${action}`, 'BUILTIN_TOOL', { tool_id: tool.id, name: tool.name });
  }
}

function listAgents(agentIds: string[]): string {
  return `${agentIds.slice(0, 5).join(', ')}${agentIds.length > 5 ? ', ...' : ''}`;
}

/** Tools on their own (`/v1/tools`) and as an agent's toolset. */
export class ToolService {
  constructor(
    private readonly store: Store,
    private readonly runners: ToolRunnerServices,
  ) {}

  /** Makes sure every built-in tool exists with its current schema (run at start-up). */
  async ensureBuiltinTools(): Promise<void> {
    await this.store.transaction(async (repos) => {
      for (const tool of BUILTIN_TOOLS) {
        await repos.tools.upsertBuiltin({ name: tool.name, toolType: tool.tool_type, description: tool.description, jsonSchema: builtinJsonSchema(tool) });
      }
    });
  }

  /** `POST /v1/tools/add-base-tools`: refreshes the built-in tools and returns them in catalog order. */
  async addBaseTools(): Promise<Tool[]> {
    await this.ensureBuiltinTools();
    const tools = await this.store.repos.tools.findByNames(BUILTIN_TOOLS.map((tool) => tool.name));
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    return BUILTIN_TOOLS.map((tool) => byName.get(tool.name)).filter((tool): tool is Tool => Boolean(tool));
  }

  async create(request: CreateToolRequest): Promise<Tool> {
    const input = await toolInputFromRequest(request);
    return this.store.transaction(async (repos) => {
      await this.assertNameFree(repos, input.name);
      return repos.tools.create(input);
    });
  }

  /** `PUT /v1/tools`: creates the tool, or updates the one of the same name with the fields given. */
  async upsert(request: CreateToolRequest): Promise<Tool> {
    const input = await toolInputFromRequest(request);
    return this.store.transaction(async (repos) => {
      const existing = await repos.tools.findByName(input.name);
      if (!existing) return repos.tools.create(input);
      refuseBuiltin(existing, 'replaced');
      const patch: ToolPatch = {
        ...simplePatch(request),
        sourceCode: input.sourceCode,
        sourceType: input.sourceType,
        jsonSchema: input.jsonSchema,
        description: input.description ?? existing.description,
      };
      if (request.args_json_schema != null) patch.argsJsonSchema = request.args_json_schema;
      return repos.tools.update(existing.id, patch);
    });
  }

  get(toolId: string): Promise<Tool> {
    return this.store.repos.tools.get(toolId);
  }

  list(filter: ToolListFilter, page: PageRequest): Promise<Tool[]> {
    return this.store.repos.tools.list(filter, page);
  }

  count(filter: ToolListFilter): Promise<number> {
    return this.store.repos.tools.count(filter);
  }

  /** Edits a client tool; new source, source type or schemas re-derive its signature (and may rename it). */
  async update(toolId: string, request: UpdateToolRequest): Promise<Tool> {
    const current = await this.store.repos.tools.get(toolId);
    refuseBuiltin(current, 'modified');
    const patch = simplePatch(request);
    const signatureChanged = [request.source_code, request.source_type, request.json_schema, request.args_json_schema].some((value) => value != null);
    if (signatureChanged) {
      const sourceType = (request.source_type ?? current.sourceType ?? 'python') as ToolSourceType;
      const sourceCode = request.source_code ?? current.sourceCode ?? '';
      // A TypeScript tool keeps its schema when only its source changes.
      const jsonSchema = request.json_schema ?? (sourceType === 'typescript' ? current.jsonSchema : null);
      const signature = await signatureOf({ sourceCode, sourceType, jsonSchema, argsJsonSchema: request.args_json_schema ?? current.argsJsonSchema });
      Object.assign(patch, { name: signature.name, sourceCode, sourceType, jsonSchema: signature.jsonSchema });
      if (request.args_json_schema != null) patch.argsJsonSchema = request.args_json_schema;
      if (request.description == null && signature.description !== null) patch.description = signature.description;
    }
    return this.store.transaction(async (repos) => {
      const tool = await repos.tools.get(toolId);
      refuseBuiltin(tool, 'modified');
      if (patch.name !== undefined && patch.name !== tool.name) await this.assertNameFree(repos, patch.name);
      return repos.tools.update(toolId, patch);
    });
  }

  /** A tool in use is not deleted: detach it from its agents first. */
  async delete(toolId: string): Promise<void> {
    await this.store.transaction(async (repos) => {
      const tool = await repos.tools.get(toolId);
      refuseBuiltin(tool, 'deleted');
      const agentIds = await repos.tools.agentIdsOf(toolId);
      if (agentIds.length) {
        throw new ConflictError(
          `Tool "${tool.name}" (${toolId}) is attached to ${agentIds.length} agent${agentIds.length > 1 ? 's' : ''} (${listAgents(agentIds)}); detach it before deleting it`,
          'TOOL_IN_USE',
          { agent_ids: agentIds },
        );
      }
      await repos.tools.delete(toolId);
    });
  }

  /** `POST /v1/tools/run`: runs tool source in the sandbox with the given arguments and environment. */
  async runFromSource(request: RunToolFromSourceRequest): Promise<{ name: string; outcome: ToolOutcome }> {
    const sourceType = request.source_type ?? 'python';
    const jsonSchema = request.json_schema ?? (sourceType === 'typescript' && request.name ? { name: request.name, parameters: { type: 'object', properties: {} } } : null);
    const signature = await signatureOf({ sourceCode: request.source_code, sourceType, jsonSchema, argsJsonSchema: request.args_json_schema });
    const name = request.name ?? signature.name;
    const outcome = await runUserTool(
      this.runners.sandbox,
      {
        name,
        sourceType,
        sourceCode: request.source_code,
        jsonSchema: signature.jsonSchema,
        pipRequirements: request.pip_requirements ?? null,
        npmRequirements: request.npm_requirements ?? null,
        returnCharLimit: DEFAULT_RETURN_CHAR_LIMIT,
      },
      request.args,
      { env: request.env_vars ?? {}, agentState: null, isolationKey: `env:${createHash('sha256').update(JSON.stringify(request.env_vars ?? {})).digest('hex')}` },
    );
    return { name, outcome };
  }

  // An agent's tools.

  async listForAgent(agentId: string, page: PageRequest): Promise<Tool[]> {
    await this.store.repos.agents.assertExists(agentId);
    const tools = (await this.store.repos.agents.toolsOf([agentId])).get(agentId) ?? [];
    return pageInMemory(tools, page);
  }

  async attach(agentId: string, toolId: string): Promise<void> {
    await this.store.transaction(async (repos) => {
      await repos.agents.assertExists(agentId);
      const tool = await repos.tools.get(toolId);
      if (await repos.tools.isAttached(agentId, toolId)) {
        throw new ConflictError(`Tool "${tool.name}" (${toolId}) is already attached to agent ${agentId}`, 'ALREADY_ATTACHED');
      }
      await repos.agents.attachTools(agentId, [toolId]);
      await repos.agents.touch(agentId);
    });
  }

  async detach(agentId: string, toolId: string): Promise<void> {
    await this.store.transaction(async (repos) => {
      await repos.agents.assertExists(agentId);
      await repos.tools.get(toolId);
      if (!(await repos.agents.detachTool(agentId, toolId))) throw new NotFoundError('tool', toolId, ` attached to agent ${agentId}`);
      await repos.agents.touch(agentId);
    });
  }

  /** Sets whether the agent must ask before running the named tool (overriding the tool's default). */
  async setApproval(agentId: string, toolName: string, requiresApproval: boolean | undefined): Promise<void> {
    if (requiresApproval === undefined) {
      throw ValidationError.field('requires_approval', 'is required: send {"requires_approval": true|false} as the body, or ?requires_approval= in the query');
    }
    await this.store.transaction(async (repos) => {
      await repos.agents.assertExists(agentId);
      const tool = await this.attachedTool(repos, agentId, toolName);
      await repos.agents.setToolApproval(agentId, tool.id, requiresApproval);
      await repos.agents.touch(agentId);
    });
  }

  /** `POST /v1/agents/{id}/tools/{name}/run`: runs one of the agent's tools as the agent would. */
  async runForAgent(agentId: string, toolName: string, args: Record<string, unknown>): Promise<ToolOutcome> {
    await this.store.repos.agents.assertExists(agentId);
    const tool = await this.attachedTool(this.store.repos, agentId, toolName);
    return new AgentToolRunner(this.store.repos, this.runners, agentId).run(tool, toolName, args);
  }

  private async attachedTool(repos: Repositories, agentId: string, toolName: string): Promise<Tool> {
    const tool = await repos.tools.findAttachedByName(agentId, toolName);
    if (!tool) throw new MnemoError(`Agent ${agentId} has no tool named "${toolName}" attached`, 'NOT_FOUND', 404, { kind: 'tool', name: toolName });
    return tool;
  }

  private async assertNameFree(repos: Repositories, name: string): Promise<void> {
    const holder = await repos.tools.findByName(name);
    if (holder) throw new ConflictError(`A tool named "${name}" already exists (${holder.id})`, 'DUPLICATE_TOOL_NAME', { name, tool_id: holder.id });
  }
}
