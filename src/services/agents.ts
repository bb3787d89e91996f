import { randomInt } from 'node:crypto';
import { AGENT_RELATIONSHIPS, type Agent, type AgentListFilter, type AgentRecord, type AgentRelationship, type AgentType, type JsonObject, type ToolRule } from '../domain/agent.js';
import type { Block } from '../domain/block.js';
import type { PageRequest } from '../domain/pagination.js';
import { NotFoundError, NotImplementedError, ValidationError, type ValidationIssue } from '../errors.js';
import { compileSystemPrompt, showsLineNumbers } from '../memory/compile-system-prompt.js';
import { defaultSystemPrompt } from '../memory/default-system-prompts.js';
import { defaultInitialMessages } from '../memory/initial-messages.js';
import type { CreateAgentRequest, UpdateAgentRequest } from '../schemas/agents.js';
import type { CreateBlockRequest } from '../schemas/blocks.js';
import type { AgentOrderBy, AgentPatch } from '../store/repositories/agents.js';
import type { Message } from '../domain/message.js';
import { pendingApprovalIn } from './approvals.js';
import { attachFolderIn, detachFolderIn, directoriesOf } from './agent-folders.js';
import { archivalStats } from './archives.js';
import type { Repositories } from '../store/repositories/index.js';
import type { Store } from '../store/store.js';
import { baseToolNamesFor } from '../tools/builtin/catalog.js';
import { blockInputFromRequest } from './blocks.js';

/** Turns model handles into the stored llm_config / embedding_config (the model catalog). */
export interface ModelResolver {
  llmConfigFor(handle: string, overrides?: JsonObject): Promise<JsonObject>;
  embeddingConfigFor(handle: string): Promise<JsonObject>;
}

const ADJECTIVES = ['brave', 'calm', 'clever', 'eager', 'gentle', 'keen', 'lucid', 'nimble', 'quiet', 'steady', 'swift', 'wise'];
const NOUNS = ['otter', 'falcon', 'willow', 'comet', 'harbor', 'lantern', 'meadow', 'river', 'summit', 'cedar', 'ember', 'orbit'];

function generatedName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}-${randomInt(1000, 10000)}`;
}

const MEMGPT_TYPES = new Set<AgentType>(['memgpt_agent', 'memgpt_v2_agent', 'split_thread_agent', 'voice_convo_agent']);

/** Letta's default rules: for send_message agents, sending a message ends the turn. */
function baseToolRules(agentType: AgentType, toolNames: string[]): ToolRule[] {
  if (MEMGPT_TYPES.has(agentType) && toolNames.includes('send_message')) return [{ type: 'exit_loop', tool_name: 'send_message' }];
  return [];
}

/** Relationships to load: all of them by default, or exactly those named by `include`. */
export function relationshipsFromInclude(include: string[] | undefined): Set<AgentRelationship> {
  if (!include?.length) return new Set(AGENT_RELATIONSHIPS);
  const wanted = new Set(include.map((value) => value.replace(/^agent\./, '')));
  return new Set(AGENT_RELATIONSHIPS.filter((relationship) => wanted.has(relationship)));
}

/** The secrets a request sets (`secrets` wins over the older `tool_exec_environment_variables`); undefined when it sets none. */
export function secretsFrom(request: { secrets?: Record<string, string> | null; tool_exec_environment_variables?: Record<string, string> | null }) {
  if (!request.secrets && !request.tool_exec_environment_variables) return undefined;
  return { ...(request.tool_exec_environment_variables ?? {}), ...(request.secrets ?? {}) };
}

function llmOverrides(request: CreateAgentRequest | UpdateAgentRequest): JsonObject {
  const overrides: JsonObject = {};
  if (request.context_window_limit) overrides.context_window = request.context_window_limit;
  if (request.max_tokens) overrides.max_tokens = request.max_tokens;
  if (request.max_reasoning_tokens !== undefined && request.max_reasoning_tokens !== null) overrides.max_reasoning_tokens = request.max_reasoning_tokens;
  if (request.enable_reasoner !== undefined && request.enable_reasoner !== null) overrides.enable_reasoner = request.enable_reasoner;
  if (request.reasoning !== undefined && request.reasoning !== null) overrides.enable_reasoner = request.reasoning;
  if (request.parallel_tool_calls !== undefined && request.parallel_tool_calls !== null) overrides.parallel_tool_calls = request.parallel_tool_calls;
  const settings = request.model_settings;
  if (settings?.temperature !== undefined) overrides.temperature = settings.temperature;
  if (settings?.max_output_tokens !== undefined) overrides.max_tokens = settings.max_output_tokens;
  if (settings?.parallel_tool_calls !== undefined) overrides.parallel_tool_calls = settings.parallel_tool_calls;
  if (settings?.reasoning?.reasoning_effort !== undefined) overrides.reasoning_effort = settings.reasoning.reasoning_effort;
  return overrides;
}

function checkBlockValues(blocks: CreateBlockRequest[], field: string): ValidationIssue[] {
  return blocks.flatMap((block, index) =>
    block.limit !== undefined && block.value.length > block.limit
      ? [{ path: `${field}[${index}].value`, message: `is ${block.value.length} characters, over the block's limit of ${block.limit}` }]
      : [],
  );
}

export class AgentService {
  constructor(
    private readonly store: Store,
    private readonly models: ModelResolver,
  ) {}

  async create(request: CreateAgentRequest): Promise<Agent> {
    if (request.from_template || request.template) throw new NotImplementedError('Agent templates');
    const agentType: AgentType = request.agent_type ?? 'letta_v1_agent';
    const memoryBlocks = request.memory_blocks ?? [];
    const issues = checkBlockValues(memoryBlocks, 'memory_blocks');
    const llmConfig = await this.resolveLlmConfig(request, issues);
    const embeddingConfig = await this.resolveEmbeddingConfig(request);
    if (issues.length) throw new ValidationError(issues);

    const agentId = await this.store.transaction(async (repos) => {
      const attachedBlocks = await this.loadBlocks(repos, request.block_ids ?? [], 'block_ids');
      this.checkUniqueLabels([...memoryBlocks.map((block) => block.label), ...attachedBlocks.map((block) => block.label)], memoryBlocks.length);
      const toolIds = await this.resolveToolIds(repos, request, agentType);
      const identityIds = await this.checkIdentities(repos, request.identity_ids ?? []);
      const toolNames = (await repos.tools.findByIds(toolIds)).map((tool) => tool.name);
      const toolRules = [
        ...(request.include_base_tool_rules === false ? [] : baseToolRules(agentType, toolNames)),
        ...((request.tool_rules ?? []) as ToolRule[]),
      ];

      const agent = await repos.agents.insert({
        name: request.name ?? generatedName(),
        agentType,
        description: request.description ?? null,
        system: request.system ?? defaultSystemPrompt(agentType),
        model: (llmConfig.handle as string | undefined) ?? request.model ?? null,
        llmConfig,
        embedding: request.embedding ?? (embeddingConfig?.handle as string | undefined) ?? null,
        embeddingConfig,
        modelSettings: (request.model_settings as JsonObject | undefined) ?? null,
        compactionSettings: (request.compaction_settings as JsonObject | undefined) ?? null,
        responseFormat: (request.response_format as JsonObject | undefined) ?? null,
        toolRules,
        metadata: request.metadata ?? null,
        timezone: request.timezone ?? 'UTC',
        maxFilesOpen: request.max_files_open ?? null,
        perFileViewWindowCharLimit: request.per_file_view_window_char_limit ?? null,
        messageBufferAutoclear: request.message_buffer_autoclear ?? false,
        enableSleeptime: request.enable_sleeptime ?? null,
        hidden: request.hidden ?? null,
        projectId: request.project_id ?? null,
        templateId: request.template_id ?? null,
        baseTemplateId: request.base_template_id ?? null,
        deploymentId: null,
        entityId: null,
        createdById: null,
        lastUpdatedById: null,
        lastRunCompletion: null,
        lastRunDurationMs: null,
        lastStopReason: null,
      });
      for (const block of memoryBlocks) await repos.agents.attachBlock(agent.id, await repos.blocks.create(blockInputFromRequest(block)));
      for (const block of attachedBlocks) await repos.agents.attachBlock(agent.id, block);
      await repos.agents.attachTools(agent.id, toolIds);
      if (request.tags?.length) await repos.agents.setTags(agent.id, request.tags);
      if (identityIds.length) await repos.identities.setAgentIdentities(agent.id, identityIds);
      const secrets = secretsFrom(request);
      if (secrets) await repos.agents.setSecrets(agent.id, secrets);
      for (const folderId of new Set(request.folder_ids ?? request.source_ids ?? [])) await attachFolderIn(repos, agent.id, folderId);
      await this.createInitialContext(repos, agent, request);
      return agent.id;
    });
    return this.get(agentId);
  }

  async get(agentId: string, relationships = new Set(AGENT_RELATIONSHIPS)): Promise<Agent> {
    const record = await this.store.repos.agents.get(agentId);
    const [agent] = await this.withRelationships(this.store.repos, [record], relationships);
    return agent!;
  }

  /** Full states of the given agents, in the given order. */
  async getMany(agentIds: string[]): Promise<Agent[]> {
    const records = await this.store.repos.agents.findMany(agentIds);
    const byId = new Map(records.map((record) => [record.id, record]));
    const ordered = agentIds.map((id) => byId.get(id)).filter((record): record is AgentRecord => Boolean(record));
    return this.withRelationships(this.store.repos, ordered, new Set(AGENT_RELATIONSHIPS));
  }

  async list(filter: AgentListFilter, page: PageRequest, orderBy: AgentOrderBy, relationships: Set<AgentRelationship>): Promise<Agent[]> {
    const records = await this.store.repos.agents.list(filter, page, orderBy);
    return this.withRelationships(this.store.repos, records, relationships);
  }

  tags(page: PageRequest & { queryText?: string | null }): Promise<string[]> {
    return this.store.repos.agents.distinctTags(page);
  }

  count(filter: AgentListFilter): Promise<number> {
    return this.store.repos.agents.countMatching(filter);
  }

  async update(agentId: string, request: UpdateAgentRequest): Promise<Agent> {
    const current = await this.store.repos.agents.get(agentId);
    const issues: ValidationIssue[] = [];
    const patch: AgentPatch = {};
    const modelChanged = request.model && request.model !== current.model;
    const overrides = llmOverrides(request);
    if (request.llm_config) patch.llmConfig = { ...request.llm_config };
    else if (modelChanged || Object.keys(overrides).length) {
      const handle = request.model ?? current.model;
      if (handle) patch.llmConfig = modelChanged ? await this.llmConfigFor(handle, overrides, issues) : { ...current.llmConfig, ...overrides };
      else patch.llmConfig = { ...current.llmConfig, ...overrides };
    }
    if (patch.llmConfig) patch.model = (patch.llmConfig.handle as string | undefined) ?? request.model ?? current.model;
    if (request.embedding_config) patch.embeddingConfig = { ...request.embedding_config };
    else if (request.embedding && request.embedding !== current.embedding) patch.embeddingConfig = await this.models.embeddingConfigFor(request.embedding);
    if (request.embedding) patch.embedding = request.embedding;
    if (issues.length) throw new ValidationError(issues);

    const simple: [keyof UpdateAgentRequest, keyof AgentPatch][] = [
      ['name', 'name'],
      ['agent_type', 'agentType'],
      ['description', 'description'],
      ['system', 'system'],
      ['metadata', 'metadata'],
      ['model_settings', 'modelSettings'],
      ['compaction_settings', 'compactionSettings'],
      ['response_format', 'responseFormat'],
      ['tool_rules', 'toolRules'],
      ['timezone', 'timezone'],
      ['max_files_open', 'maxFilesOpen'],
      ['per_file_view_window_char_limit', 'perFileViewWindowCharLimit'],
      ['message_buffer_autoclear', 'messageBufferAutoclear'],
      ['enable_sleeptime', 'enableSleeptime'],
      ['hidden', 'hidden'],
      ['project_id', 'projectId'],
      ['template_id', 'templateId'],
      ['base_template_id', 'baseTemplateId'],
      ['last_run_completion', 'lastRunCompletion'],
      ['last_run_duration_ms', 'lastRunDurationMs'],
      ['last_stop_reason', 'lastStopReason'],
    ];
    for (const [wire, field] of simple) {
      const value = request[wire];
      // `null` clears a nullable field; required fields ignore it.
      if (value === undefined || (value === null && ['name', 'agentType', 'system', 'toolRules', 'timezone', 'messageBufferAutoclear'].includes(field))) continue;
      (patch as Record<string, unknown>)[field] = value;
    }

    await this.store.transaction(async (repos) => {
      if (request.block_ids) {
        const blocks = await this.loadBlocks(repos, request.block_ids, 'block_ids');
        this.checkUniqueLabels(blocks.map((block) => block.label), 0, 'block_ids');
        const current = (await repos.agents.blocksOf([agentId])).get(agentId) ?? [];
        for (const block of current) if (!request.block_ids.includes(block.id)) await repos.agents.detachBlock(agentId, block.id);
        for (const block of blocks) if (!current.some((held) => held.id === block.id)) await repos.agents.attachBlock(agentId, block);
      }
      if (request.tool_ids) {
        const tools = await repos.tools.findByIds([...new Set(request.tool_ids)]);
        const missing = request.tool_ids.find((id) => !tools.some((tool) => tool.id === id));
        if (missing) throw new NotFoundError('tool', missing);
        await repos.agents.detachAllTools(agentId);
        await repos.agents.attachTools(agentId, tools.map((tool) => tool.id));
      }
      // The folders given replace the attached ones (`source_ids` is the older name).
      const folderIds = request.folder_ids ?? request.source_ids;
      if (folderIds) {
        const attached = (await repos.folders.ofAgents([agentId])).get(agentId) ?? [];
        for (const folder of attached) if (!folderIds.includes(folder.id)) await detachFolderIn(repos, agentId, folder.id);
        for (const folderId of new Set(folderIds)) await attachFolderIn(repos, agentId, folderId);
      }
      if (request.tags) await repos.agents.setTags(agentId, request.tags);
      if (request.identity_ids) await repos.identities.setAgentIdentities(agentId, await this.checkIdentities(repos, request.identity_ids));
      const secrets = secretsFrom(request);
      if (secrets) await repos.agents.setSecrets(agentId, secrets);
      if (request.message_ids) await this.setInContextMessages(repos, agentId, request.message_ids);
      await repos.agents.update(agentId, patch);
      if (patch.system !== undefined) await this.recompileIn(repos, agentId);
    });
    return this.get(agentId);
  }

  async delete(agentId: string): Promise<void> {
    await this.store.repos.agents.delete(agentId);
  }

  /** Rewrites the stored system message from the current memory; returns the compiled prompt. */
  async recompile(agentId: string, dryRun = false): Promise<string> {
    if (dryRun) return this.compile(this.store.repos, await this.store.repos.agents.get(agentId));
    return this.store.transaction((repos) => this.recompileIn(repos, agentId));
  }

  // Internals.

  private async recompileIn(repos: Repositories, agentId: string): Promise<string> {
    const agent = await repos.agents.get(agentId);
    const prompt = await this.compile(repos, agent);
    const [systemId] = (await repos.agents.inContextMessageIdsOf([agentId])).get(agentId) ?? [];
    if (systemId) await repos.messages.setContent(systemId, [{ type: 'text', text: prompt }]);
    return prompt;
  }

  private async compile(repos: Repositories, agent: AgentRecord): Promise<string> {
    const blocks = (await repos.agents.blocksOf([agent.id])).get(agent.id) ?? [];
    const messageCount = await repos.messages.countForAgent(agent.id);
    return compileSystemPrompt({
      system: agent.system,
      blocks,
      toolRules: agent.toolRules,
      lineNumbers: showsLineNumbers(agent.llmConfig),
      directories: await directoriesOf(repos, agent),
      metadata: {
        agentId: agent.id,
        conversationId: 'default',
        compiledAt: new Date(),
        timezone: agent.timezone,
        recallMessageCount: Math.max(0, messageCount - 1),
        ...(await archivalStats(repos, agent.id)),
      },
    });
  }

  private async createInitialContext(repos: Repositories, agent: AgentRecord, request: CreateAgentRequest): Promise<void> {
    const conversationId = await repos.agents.createDefaultConversation(agent.id, []);
    const prompt = await this.compile(repos, agent);
    const given = request.initial_message_sequence?.map((message) => ({
      agentId: agent.id,
      conversationId,
      role: message.role,
      content: typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content,
      name: message.name ?? null,
      otid: message.otid ?? null,
      senderId: message.sender_id ?? null,
    }));
    const initial = given ?? defaultInitialMessages(agent.agentType, agent.id, conversationId);
    const messages = await repos.messages.insertMany([
      { agentId: agent.id, conversationId, role: 'system', content: [{ type: 'text', text: prompt }] },
      ...initial,
    ]);
    await repos.agents.setInContextMessageIds(conversationId, messages.map((message) => message.id));
  }

  private async setInContextMessages(repos: Repositories, agentId: string, messageIds: string[]): Promise<void> {
    const conversationId = await repos.agents.defaultConversationId(agentId);
    const messages = await repos.messages.findMany(messageIds);
    const missing = messageIds.find((id) => !messages.some((message) => message.id === id && message.conversationId === conversationId));
    if (missing) throw ValidationError.field('message_ids', `message ${missing} is not a message of this agent`);
    await repos.agents.setInContextMessageIds(conversationId, messageIds);
  }

  private async resolveLlmConfig(request: CreateAgentRequest, issues: ValidationIssue[]): Promise<JsonObject> {
    if (request.llm_config) return { ...request.llm_config, ...llmOverrides(request) };
    if (!request.model) {
      issues.push({ path: 'model', message: 'a model handle such as openai/gpt-4o-mini (or an llm_config) is required' });
      return {};
    }
    return this.llmConfigFor(request.model, llmOverrides(request), issues);
  }

  private async llmConfigFor(handle: string, overrides: JsonObject, issues: ValidationIssue[]): Promise<JsonObject> {
    try {
      return await this.models.llmConfigFor(handle, overrides);
    } catch (error) {
      if (error instanceof ValidationError) {
        issues.push(...error.issues);
        return {};
      }
      throw error;
    }
  }

  private async resolveEmbeddingConfig(request: CreateAgentRequest): Promise<JsonObject | null> {
    if (request.embedding_config) {
      return { ...request.embedding_config, ...(request.embedding_chunk_size ? { embedding_chunk_size: request.embedding_chunk_size } : {}) };
    }
    if (!request.embedding) return null;
    const config = await this.models.embeddingConfigFor(request.embedding);
    return request.embedding_chunk_size ? { ...config, embedding_chunk_size: request.embedding_chunk_size } : config;
  }

  private async loadBlocks(repos: Repositories, ids: string[], field: string): Promise<Block[]> {
    const unique = [...new Set(ids)];
    if (unique.length !== ids.length) throw ValidationError.field(field, 'lists the same block more than once');
    const blocks: Block[] = [];
    for (const id of unique) blocks.push(await repos.blocks.get(id));
    return blocks;
  }

  private checkUniqueLabels(labels: string[], inlineCount: number, field = 'memory_blocks'): void {
    const seen = new Map<string, number>();
    labels.forEach((label, index) => {
      const first = seen.get(label);
      if (first !== undefined) {
        const where = index < inlineCount ? `memory_blocks[${index}].label` : inlineCount ? `block_ids[${index - inlineCount}]` : `${field}[${index}]`;
        throw ValidationError.field(where, `duplicate block label "${label}": an agent holds at most one block per label`);
      }
      seen.set(label, index);
    });
  }

  private async resolveToolIds(repos: Repositories, request: CreateAgentRequest, agentType: AgentType): Promise<string[]> {
    const names = [...(request.include_base_tools === false ? [] : baseToolNamesFor(agentType)), ...(request.tools ?? [])];
    const byName = await repos.tools.findByNames([...new Set(names)]);
    const issues: ValidationIssue[] = [];
    (request.tools ?? []).forEach((name, index) => {
      if (!byName.some((tool) => tool.name === name)) issues.push({ path: `tools[${index}]`, message: `no tool is named "${name}"` });
    });
    if (issues.length) throw new ValidationError(issues);
    const ids = request.tool_ids ?? [];
    const byId = await repos.tools.findByIds([...new Set(ids)]);
    const missing = ids.find((id) => !byId.some((tool) => tool.id === id));
    if (missing) throw new NotFoundError('tool', missing);
    return [...new Set([...byName.map((tool) => tool.id), ...ids])];
  }

  private async checkIdentities(repos: Repositories, ids: string[]): Promise<string[]> {
    const unique = [...new Set(ids)];
    const rows = await repos.identities.findRowsByIds(unique);
    const missing = unique.find((id) => !rows.some((row) => row.id === id));
    if (missing) throw new NotFoundError('identity', missing);
    return unique;
  }

  private async withRelationships(repos: Repositories, records: AgentRecord[], relationships: Set<AgentRelationship>): Promise<Agent[]> {
    const ids = records.map((record) => record.id);
    const [blocks, tools, tags, identities, secrets, messageIds] = await Promise.all([
      relationships.has('blocks') ? repos.agents.blocksOf(ids) : undefined,
      relationships.has('tools') ? repos.agents.toolsOf(ids) : undefined,
      relationships.has('tags') ? repos.agents.tagsOf(ids) : undefined,
      relationships.has('identities') ? repos.identities.ofAgents(ids) : undefined,
      relationships.has('secrets') ? repos.agents.secretsOf(ids) : undefined,
      repos.agents.inContextMessageIdsOf(ids),
    ]);
    const [folders, fileViews] = relationships.has('sources') ? await Promise.all([repos.folders.ofAgents(ids), repos.fileViews.ofAgents(ids)]) : [];
    const pending = relationships.has('pending_approval') ? await this.pendingApprovals(repos, messageIds) : new Map<string, Message>();
    // Records are fresh objects from this query: complete them in place rather than copy 30 fields.
    return records.map((record) =>
      Object.assign<AgentRecord, Partial<Agent>>(record, {
        blocks: blocks?.get(record.id) ?? [],
        tools: tools?.get(record.id) ?? [],
        tags: tags?.get(record.id) ?? [],
        identities: identities?.get(record.id) ?? [],
        secrets: secrets?.get(record.id) ?? [],
        messageIds: messageIds.get(record.id) ?? [],
        pendingApproval: pending.get(record.id) ?? null,
        folders: folders?.get(record.id) ?? [],
        fileViews: fileViews?.get(record.id) ?? [],
      }),
    );
  }

  /** The approval request each agent waits on, from the tails of their context windows, in one query. */
  private async pendingApprovals(repos: Repositories, messageIds: Map<string, string[]>): Promise<Map<string, Message>> {
    const tails = [...messageIds].map(([agentId, ids]) => [agentId, ids.slice(-2)] as const);
    const byId = new Map((await repos.messages.findMany(tails.flatMap(([, ids]) => ids))).map((message) => [message.id, message]));
    const pending = new Map<string, Message>();
    for (const [agentId, ids] of tails) {
      const found = pendingApprovalIn(ids.map((id) => byId.get(id)).filter((message): message is Message => Boolean(message)));
      if (found) pending.set(agentId, found.request);
    }
    return pending;
  }
}

