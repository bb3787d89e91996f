import { randomBytes } from 'node:crypto';
import type { AgentType, JsonObject, ToolRule } from '../domain/agent.js';
import type { Block } from '../domain/block.js';
import type { ContentPart, StoredApproval, StoredToolReturn } from '../domain/message.js';
import { isBuiltinTool, DEFAULT_RETURN_CHAR_LIMIT, type Tool, type ToolInput, type ToolPatch } from '../domain/tool.js';
import { NotFoundError, NotImplementedError, ValidationError, type ValidationIssue } from '../errors.js';
import { defaultSystemPrompt } from '../memory/default-system-prompts.js';
import { OFFLINE_EMBEDDING_HANDLE } from '../embeddings/offline/use-lite.js';
import { newId } from '../ids.js';
import { parseAgentFile } from '../agent-file/parse.js';
import type { AgentFile, FileAgent, FileMessage, FileTool, Skill } from '../agent-file/schema.js';
import type { AgentSnapshot } from '../agent-file/snapshot.js';
import { writeAgentFile } from '../agent-file/write.js';
import type { CreateBlockRequest } from '../schemas/blocks.js';
import type { Repositories } from '../store/repositories/index.js';
import type { ImportedMessage } from '../store/repositories/agent-files.js';
import type { Store } from '../store/store.js';
import { secretsFrom, type ModelResolver } from './agents.js';
import { blockInputFromRequest } from './blocks.js';
import { checkJsonSchema } from './tools.js';
import { INSTANCE_ID } from './run-supervisor.js';

export interface ExportOptions {
  conversationId?: string | null;
  scrubMessages?: boolean;
  skills?: Skill[];
}

/** The import form's fields, after the deprecated aliases were folded into the current names. */
export interface ImportOptions {
  name?: string | null;
  appendCopySuffix: boolean;
  overrideExistingTools: boolean;
  stripMessages: boolean;
  model?: string | null;
  embedding?: string | null;
  projectId?: string | null;
  secrets?: Record<string, string> | null;
}

/** Queues imported files to be embedded again in the background (the folder service). */
export interface FileReindexer {
  reindexFiles(fileIds: string[]): Promise<void>;
}

/** The model and embedding settings of every imported agent, resolved before anything is written. */
interface ResolvedConfigs {
  llm: JsonObject[];
  embedding: (JsonObject | null)[];
  /** The embedding config the import gives every folder, if it names one. */
  folderOverride: JsonObject | null;
  /** For folders without a config of their own (when they need it and nothing overrides). */
  folderFallback: JsonObject | null;
}

function contentOf(content: FileMessage['content']): ContentPart[] {
  if (content === null || content === undefined) return [];
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

/**
 * A message's tool returns as Mnemo stores them. Letta's files may leave out a return's call id and
 * response (its text is then the message's content); the loop needs both.
 */
function toolReturnsOf(message: FileMessage, content: ContentPart[]): StoredToolReturn[] | null {
  if (!message.tool_returns?.length) return null;
  const text = content.map((part) => (typeof part.text === 'string' ? part.text : '')).join('');
  return message.tool_returns.map((ret) => ({
    tool_call_id: ret.tool_call_id ?? message.tool_call_id ?? '',
    status: ret.status,
    func_response: ret.func_response ?? text,
    stdout: ret.stdout ?? null,
    stderr: ret.stderr ?? null,
  }));
}

/** Tool source Mnemo runs: TypeScript as such; other code (Letta writes `json` for schema-first Python tools) as Python. */
function sourceTypeOf(tool: FileTool): string | null {
  if (tool.source_type === 'typescript') return 'typescript';
  return tool.source_code ? 'python' : (tool.source_type ?? null);
}

function toolFields(tool: FileTool): Omit<ToolInput, 'name' | 'toolType' | 'projectId' | 'createdById' | 'lastUpdatedById'> {
  return {
    description: tool.description ?? (typeof tool.json_schema?.description === 'string' ? tool.json_schema.description : null),
    sourceType: sourceTypeOf(tool),
    sourceCode: tool.source_code ?? null,
    jsonSchema: (tool.json_schema as Tool['jsonSchema']) ?? null,
    argsJsonSchema: tool.args_json_schema ?? null,
    tags: tool.tags ?? [],
    returnCharLimit: tool.return_char_limit ?? DEFAULT_RETURN_CHAR_LIMIT,
    pipRequirements: (tool.pip_requirements as Tool['pipRequirements']) ?? null,
    npmRequirements: (tool.npm_requirements as Tool['npmRequirements']) ?? null,
    defaultRequiresApproval: tool.default_requires_approval ?? null,
    enableParallelExecution: tool.enable_parallel_execution ?? null,
    metadata: tool.metadata_ ?? null,
  };
}

/**
 * Agent files (`.af`): export one agent with everything it uses, and import a file as new agents.
 * An import is checked whole before anything is written, then written in one transaction.
 */
export class AgentFileService {
  constructor(
    private readonly store: Store,
    private readonly models: ModelResolver,
    private readonly recompile: (agentId: string) => Promise<unknown>,
    private readonly files: FileReindexer,
  ) {}

  async export(agentId: string, options: ExportOptions = {}): Promise<Record<string, unknown>> {
    return writeAgentFile(await this.snapshot(agentId, options.conversationId ?? null), {
      scrubMessages: options.scrubMessages ?? false,
      skills: options.skills ?? [],
    });
  }

  /** Imports every agent of the file; returns their new ids in file order. */
  async import(text: string, options: ImportOptions): Promise<string[]> {
    const file = parseAgentFile(text);
    if (file.groups.length || file.agents.some((agent) => agent.group_ids?.length)) throw new NotImplementedError('Importing groups (multi-agent) from agent files');
    if (file.mcp_servers.length) throw new NotImplementedError('Importing MCP servers from agent files');
    const configs = await this.resolveConfigs(file, options);
    await this.checkTools(file);

    const { agentIds, fileIds, needsPrompt } = await this.store.transaction(async (repos) => {
      const toolIds = await this.importTools(repos, file.tools, options.overrideExistingTools);
      const blocks = new Map<string, Block>();
      for (const block of file.blocks) blocks.set(block.id, await repos.blocks.create(blockInputFromRequest(block as CreateBlockRequest)));
      const { folderIds, fileIds } = await this.importFolders(repos, file, configs);
      const agentIds: string[] = [];
      const needsPrompt: string[] = [];
      for (const [index, entry] of file.agents.entries()) {
        const { agentId, promptMissing } = await this.importAgent(repos, entry, {
          options,
          llmConfig: configs.llm[index]!,
          embeddingConfig: configs.embedding[index]!,
          toolIds,
          blocks,
          folderIds,
          fileIds,
        });
        agentIds.push(agentId);
        if (promptMissing) needsPrompt.push(agentId);
      }
      return { agentIds, fileIds: [...fileIds.values()], needsPrompt };
    });
    for (const agentId of needsPrompt) await this.recompile(agentId);
    // The folder service re-embeds the imported files' content after the import commits.
    if (fileIds.length) await this.files.reindexFiles(fileIds);
    return agentIds;
  }

  // Export internals.

  private async snapshot(agentId: string, conversationId: string | null): Promise<AgentSnapshot> {
    const repos = this.store.repos;
    const agent = await repos.agents.get(agentId);
    const conversation = conversationId ? await repos.conversations.get(conversationId) : null;
    if (conversation && conversation.agentId !== agentId) throw new NotFoundError('conversation', conversationId!, ` for agent ${agentId}`);
    const exported = conversation ?? (await repos.conversations.get(await repos.agents.defaultConversationId(agentId)));
    const [blocks, tools, tags, secrets, messages, folders, fileAgents] = await Promise.all([
      repos.agents.blocksOf([agentId]),
      repos.agents.toolsOf([agentId]),
      repos.agents.tagsOf([agentId]),
      repos.agents.secretsOf([agentId]),
      repos.agentFiles.messagesOfConversation(exported.id),
      repos.agentFiles.foldersOfAgent(agentId),
      repos.fileViews.ofAgent(agentId),
    ]);
    return {
      agent,
      blocks: blocks.get(agentId) ?? [],
      tools: tools.get(agentId) ?? [],
      tags: tags.get(agentId) ?? [],
      secretKeys: (secrets.get(agentId) ?? []).map((secret) => secret.key),
      messages,
      inContextMessageIds: exported.inContextMessageIds,
      folders,
      files: await repos.agentFiles.filesOfFolders(folders.map((folder) => folder.id)),
      fileAgents,
    };
  }

  // Import internals.

  /** Model overrides and handles become configs now, so a bad handle fails before any write. */
  private async resolveConfigs(file: AgentFile, options: ImportOptions): Promise<ResolvedConfigs> {
    const issues: ValidationIssue[] = [];
    const resolve = async (field: string, work: () => Promise<JsonObject>): Promise<JsonObject | null> => {
      try {
        return await work();
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        issues.push(...error.issues.map((issue) => ({ path: field, message: issue.message })));
        return null;
      }
    };
    const llmOverride = options.model ? await resolve('model', () => this.models.llmConfigFor(options.model!)) : null;
    const embeddingOverride = options.embedding ? await resolve('embedding', () => this.models.embeddingConfigFor(options.embedding!)) : null;
    const llm: JsonObject[] = [];
    const embedding: (JsonObject | null)[] = [];
    for (const [index, agent] of file.agents.entries()) {
      const at = `file.agents[${index}]`;
      let config = llmOverride ?? (agent.llm_config as JsonObject | null | undefined) ?? null;
      if (!config && agent.model) config = await resolve(`${at}.model`, () => this.models.llmConfigFor(agent.model!));
      if (!config && !options.model) issues.push({ path: `${at}.llm_config`, message: 'is required (or give the agent a model handle, or pass model with the import)' });
      llm.push(config ?? {});
      let embeddingConfig = embeddingOverride ?? (agent.embedding_config as JsonObject | null | undefined) ?? null;
      if (!embeddingConfig && agent.embedding) embeddingConfig = await resolve(`${at}.embedding`, () => this.models.embeddingConfigFor(agent.embedding!));
      embedding.push(embeddingConfig);
    }
    // A folder keeps its own embedding model unless overridden; one without falls back to the agent's, else the offline model.
    const needsFallback = !embeddingOverride && file.sources.some((source) => !source.embedding_config);
    const folderFallback = needsFallback ? (embedding.find(Boolean) ?? (await this.models.embeddingConfigFor(OFFLINE_EMBEDDING_HANDLE))) : null;
    if (issues.length) throw new ValidationError(issues);
    return { llm, embedding, folderOverride: embeddingOverride, folderFallback };
  }

  /** Built-in tools are this server's own: a file may use them by name, but only those that exist here. */
  private async checkTools(file: AgentFile): Promise<void> {
    const builtins = file.tools.filter((tool) => isBuiltinTool({ toolType: tool.tool_type }));
    const known = new Set((await this.store.repos.tools.findByNames(builtins.map((tool) => tool.name))).map((tool) => tool.name));
    const missing = builtins.find((tool) => !known.has(tool.name));
    if (missing) throw new NotImplementedError(`The built-in tool "${missing.name}" (${missing.tool_type}, file.tools[${file.tools.indexOf(missing)}])`);
    const issues: ValidationIssue[] = [];
    file.tools.forEach((tool, index) => {
      if (isBuiltinTool({ toolType: tool.tool_type })) return;
      if (!tool.json_schema) {
        issues.push({ path: `file.tools[${index}].json_schema`, message: 'is required for a custom tool' });
        return;
      }
      // The checks POST /v1/tools makes of a schema.
      try {
        checkJsonSchema(tool.json_schema);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        issues.push(...error.issues.map((issue) => ({ ...issue, path: `file.tools[${index}].${issue.path}` })));
      }
    });
    const names = file.agents.flatMap((agent) => agent.tools ?? []);
    const existing = new Set((await this.store.repos.tools.findByNames(names)).map((tool) => tool.name));
    file.agents.forEach((agent, a) =>
      agent.tools?.forEach((name, t) => {
        if (!existing.has(name)) issues.push({ path: `file.agents[${a}].tools[${t}]`, message: `no tool is named "${name}"` });
      }),
    );
    if (issues.length) throw new ValidationError(issues);
  }

  /**
   * Same-name tools are reused; with `overrideExistingTools` a custom one takes the file's
   * definition. Built-in tools are never changed. Returns file id → database id.
   */
  private async importTools(repos: Repositories, tools: FileTool[], override: boolean): Promise<Map<string, string>> {
    const existing = new Map((await repos.tools.findByNames(tools.map((tool) => tool.name))).map((tool) => [tool.name, tool]));
    const ids = new Map<string, string>();
    for (const tool of tools) {
      const current = existing.get(tool.name);
      if (current) {
        if (override && !isBuiltinTool(current) && !isBuiltinTool({ toolType: tool.tool_type })) await repos.tools.update(current.id, toolFields(tool) as ToolPatch);
        ids.set(tool.id, current.id);
        continue;
      }
      const created = await repos.tools.create({ ...toolFields(tool), name: tool.name, toolType: tool.tool_type, projectId: null, createdById: null, lastUpdatedById: null });
      ids.set(tool.id, created.id);
    }
    return ids;
  }

  /** Folders (renamed with a suffix when the name is taken, as Letta does) and their files. */
  private async importFolders(repos: Repositories, file: AgentFile, configs: ResolvedConfigs) {
    const taken = await repos.agentFiles.takenFolderNames(file.sources.map((source) => source.name));
    const folderIds = new Map<string, string>();
    for (const source of file.sources) {
      const name = taken.has(source.name) ? `${source.name}_${randomBytes(4).toString('hex')}` : source.name;
      const embeddingConfig = configs.folderOverride ?? (source.embedding_config as JsonObject | null | undefined) ?? configs.folderFallback!;
      folderIds.set(
        source.id,
        (await repos.folders.create({ name, description: source.description ?? null, instructions: source.instructions ?? null, metadata: source.metadata ?? null, embeddingConfig })).id,
      );
    }
    const newIds = await repos.files.insertMany(
      file.files.map((entry) => ({
        folderId: folderIds.get(entry.source_id)!,
        fileName: entry.file_name,
        originalFileName: entry.original_file_name ?? entry.file_name,
        filePath: entry.file_path ?? null,
        fileType: entry.file_type ?? 'text/plain',
        fileSize: entry.file_size ?? Buffer.byteLength(entry.content ?? ''),
        fileCreationDate: entry.file_creation_date ?? null,
        fileLastModifiedDate: entry.file_last_modified_date ?? null,
        // The text came with the file; its passages are made again here.
        processingStatus: entry.content ? 'pending' : 'error',
        errorMessage: entry.content ? null : (entry.error_message ?? 'The agent file held no content for this file'),
        totalChunks: null,
        chunksEmbedded: null,
        content: entry.content ?? null,
      })),
      // This process re-indexes them once the import commits.
      INSTANCE_ID,
    );
    const fileIds = new Map(file.files.map((entry, index) => [entry.id, newIds[index]!]));
    return { folderIds, fileIds };
  }

  private async importAgent(
    repos: Repositories,
    entry: FileAgent,
    context: {
      options: ImportOptions;
      llmConfig: JsonObject;
      embeddingConfig: JsonObject | null;
      toolIds: Map<string, string>;
      /** The file's blocks as created, by their ids in the file. */
      blocks: Map<string, Block>;
      folderIds: Map<string, string>;
      fileIds: Map<string, string>;
    },
  ): Promise<{ agentId: string; promptMissing: boolean }> {
    const { options, llmConfig, embeddingConfig } = context;
    const agentType: AgentType = entry.agent_type ?? 'letta_v1_agent';
    const name = options.name ?? (options.appendCopySuffix ? `${entry.name}_copy` : entry.name);
    const agent = await repos.agents.insert({
      name,
      agentType,
      description: entry.description ?? null,
      system: entry.system ?? defaultSystemPrompt(agentType),
      model: (llmConfig.handle as string | undefined) ?? options.model ?? entry.model ?? null,
      llmConfig,
      embedding: (embeddingConfig?.handle as string | undefined) ?? options.embedding ?? entry.embedding ?? null,
      embeddingConfig,
      modelSettings: (entry.model_settings as JsonObject | undefined) ?? null,
      compactionSettings: (entry.compaction_settings as JsonObject | undefined) ?? null,
      responseFormat: (entry.response_format as JsonObject | undefined) ?? null,
      toolRules: (entry.tool_rules ?? []) as ToolRule[],
      metadata: entry.metadata ?? null,
      timezone: entry.timezone ?? 'UTC',
      maxFilesOpen: entry.max_files_open ?? null,
      perFileViewWindowCharLimit: entry.per_file_view_window_char_limit ?? null,
      messageBufferAutoclear: entry.message_buffer_autoclear ?? false,
      enableSleeptime: entry.enable_sleeptime ?? null,
      hidden: entry.hidden ?? null,
      projectId: options.projectId ?? entry.project_id ?? null,
      templateId: null,
      baseTemplateId: null,
      deploymentId: null,
      entityId: null,
      createdById: null,
      lastUpdatedById: null,
      lastRunCompletion: null,
      lastRunDurationMs: null,
      lastStopReason: null,
    });
    for (const id of entry.block_ids ?? []) await repos.agents.attachBlock(agent.id, context.blocks.get(id)!);
    for (const block of entry.memory_blocks ?? []) await repos.agents.attachBlock(agent.id, await repos.blocks.create(blockInputFromRequest(block as CreateBlockRequest)));
    const byName = await repos.tools.findByNames(entry.tools ?? []);
    await repos.agents.attachTools(agent.id, [...new Set([...(entry.tool_ids ?? []).map((id) => context.toolIds.get(id)!), ...byName.map((tool) => tool.id)])]);
    if (entry.tags?.length) await repos.agents.setTags(agent.id, entry.tags);
    // The file's secret names (their values are blank in exports) with the values given to the import.
    const secrets = { ...secretsFrom(entry), ...(options.secrets ?? {}) };
    if (Object.keys(secrets).length) await repos.agents.setSecrets(agent.id, secrets);

    const folderIds = [...new Set([...(entry.source_ids ?? []), ...(entry.folder_ids ?? []), ...entry.files_agents.map((link) => link.source_id)])];
    await repos.agentFiles.attachFolders(agent.id, folderIds.map((id) => context.folderIds.get(id)!));
    await repos.fileViews.insertMany(
      entry.files_agents.map((link) => ({
        agentId: agent.id,
        fileId: context.fileIds.get(link.file_id)!,
        folderId: context.folderIds.get(link.source_id)!,
        isOpen: link.is_open,
        visibleContent: link.visible_content ?? null,
        startLine: link.start_line ?? null,
        endLine: link.end_line ?? null,
        lastAccessedAt: link.last_accessed_at ? new Date(link.last_accessed_at).toISOString() : new Date().toISOString(),
      })),
    );

    const conversationId = await repos.agents.createDefaultConversation(agent.id, []);
    const { messages, inContext } = this.messagesFor(entry, agent.id, conversationId, options.stripMessages);
    // The context window must open with a system message; one is made (and compiled after commit) when the file has none.
    const promptMissing = inContext.length === 0 || messages.find((message) => message.id === inContext[0])?.role !== 'system';
    if (promptMissing) {
      const system: ImportedMessage = { id: newId('message'), agentId: agent.id, conversationId, role: 'system', content: [], createdAt: new Date().toISOString(), approve: null, approvalRequestId: null, denialReason: null };
      messages.unshift(system);
      inContext.unshift(system.id);
    }
    await repos.agentFiles.insertMessages(messages);
    await repos.agents.setInContextMessageIds(conversationId, inContext);
    return { agentId: agent.id, promptMissing };
  }

  private messagesFor(entry: FileAgent, agentId: string, conversationId: string, strip: boolean): { messages: ImportedMessage[]; inContext: string[] } {
    if (strip) return { messages: [], inContext: [] };
    const ids = new Map(entry.messages.map((message) => [message.id, newId('message')]));
    const start = Date.now();
    const messages = entry.messages.map((message, index): ImportedMessage => {
      const content = contentOf(message.content);
      return {
        id: ids.get(message.id)!,
        agentId,
        conversationId,
        role: message.role,
        content,
        name: message.name ?? null,
        toolCalls: message.tool_calls ?? null,
        toolCallId: message.tool_call_id ?? null,
        toolReturns: toolReturnsOf(message, content),
        approvals: (message.approvals as StoredApproval[] | null | undefined) ?? null,
        otid: message.otid ?? null,
        senderId: message.sender_id ?? null,
        groupId: message.group_id ?? null,
        model: message.model ?? null,
        // Messages without a time keep their order a millisecond apart.
        createdAt: new Date(message.created_at ?? start + index).toISOString(),
        approve: message.approve ?? null,
        approvalRequestId: message.approval_request_id ? (ids.get(message.approval_request_id) ?? message.approval_request_id) : null,
        denialReason: message.denial_reason ?? null,
      };
    });
    return { messages, inContext: entry.in_context_message_ids.map((id) => ids.get(id)!) };
  }
}
