import { toolRulesWithApprovals } from '../domain/agent.js';
import type { Block } from '../domain/block.js';
import type { AgentTool } from '../domain/agent.js';
import type { FileIdPrefix, Skill } from './schema.js';
import type { AgentSnapshot, ExportedMessage, SnapshotFile, SnapshotFolder } from './snapshot.js';

/** Hands out file-local ids (`block-0`, `block-1` ...) per kind, the same one for the same database id. */
class FileIds {
  private readonly ids = new Map<string, string>();
  private readonly counters = new Map<FileIdPrefix, number>();

  of(dbId: string, prefix: FileIdPrefix): string {
    let id = this.ids.get(dbId);
    if (!id) {
      const next = this.counters.get(prefix) ?? 0;
      this.counters.set(prefix, next + 1);
      id = `${prefix}-${next}`;
      this.ids.set(dbId, id);
    }
    return id;
  }

  known(dbId: string): string | undefined {
    return this.ids.get(dbId);
  }
}

function byKey<T>(key: (item: T) => string) {
  return (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

export interface WriteOptions {
  scrubMessages: boolean;
  skills: Skill[];
}

/**
 * The agent file of one agent, in Letta's multi-entity format. Entities are listed in a fixed
 * order (blocks by label, tools by name, folders by name, files by folder and name, messages in
 * conversation order) and numbered in that order, so exporting an imported file gives the same file
 * apart from ids and timestamps. Secrets keep their names with blank values.
 */
export function writeAgentFile(snapshot: AgentSnapshot, options: WriteOptions): Record<string, unknown> {
  const ids = new FileIds();
  const agentId = ids.of(snapshot.agent.id, 'agent');
  const blocks = [...snapshot.blocks].sort(byKey((block) => `${block.label}\u0000${block.id}`));
  const tools = [...snapshot.tools].sort(byKey((tool) => tool.name));
  const folders = [...snapshot.folders].sort(byKey((folder) => `${folder.name}\u0000${folder.id}`));
  const folderOrder = new Map(folders.map((folder, index) => [folder.id, String(index).padStart(6, '0')]));
  const files = [...snapshot.files].sort(byKey((file) => `${folderOrder.get(file.folderId)}\u0000${file.fileName}\u0000${file.id}`));
  const messages = options.scrubMessages ? [] : snapshot.messages;

  const blockEntries = blocks.map((block) => blockEntry(block, ids.of(block.id, 'block')));
  const toolEntries = tools.map((tool) => toolEntry(tool, ids.of(tool.id, 'tool')));
  const sourceEntries = folders.map((folder) => sourceEntry(folder, ids.of(folder.id, 'source')));
  const fileEntries = files.map((file) => fileEntry(file, ids.of(file.id, 'file'), ids.of(file.folderId, 'source')));
  const messageEntries = messages.map((message) => messageEntry(message, ids, agentId));
  const fileNames = new Map(files.map((file) => [file.id, file.fileName]));
  const fileOrder = new Map(files.map((file, index) => [file.id, index]));

  const { agent } = snapshot;
  const secrets = Object.fromEntries(snapshot.secretKeys.map((key) => [key, '']));
  const agentEntry = {
    name: agent.name,
    memory_blocks: [],
    tools: [],
    tool_ids: snapshot.tools.map((tool) => ids.of(tool.id, 'tool')),
    source_ids: folders.map((folder) => ids.of(folder.id, 'source')),
    block_ids: snapshot.blocks.map((block) => ids.of(block.id, 'block')),
    tool_rules: toolRulesWithApprovals(agent.toolRules, snapshot.tools),
    tags: snapshot.tags,
    system: agent.system,
    agent_type: agent.agentType,
    llm_config: agent.llmConfig,
    embedding_config: agent.embeddingConfig,
    initial_message_sequence: null,
    include_base_tools: false,
    include_multi_agent_tools: false,
    include_base_tool_rules: false,
    include_default_source: false,
    description: agent.description,
    metadata: agent.metadata,
    model: agent.model,
    embedding: agent.embedding,
    model_settings: agent.modelSettings,
    compaction_settings: agent.compactionSettings,
    response_format: agent.responseFormat,
    tool_exec_environment_variables: secrets,
    secrets,
    project_id: agent.projectId,
    identity_ids: null,
    message_buffer_autoclear: agent.messageBufferAutoclear,
    enable_sleeptime: agent.enableSleeptime,
    timezone: agent.timezone,
    max_files_open: agent.maxFilesOpen,
    per_file_view_window_char_limit: agent.perFileViewWindowCharLimit,
    hidden: agent.hidden,
    id: agentId,
    // Ids outside the exported messages cannot be written; they are dropped rather than dangling.
    in_context_message_ids: options.scrubMessages ? [] : snapshot.inContextMessageIds.map((id) => ids.known(id)).filter((id): id is string => Boolean(id)),
    messages: messageEntries,
    files_agents: [...snapshot.fileAgents]
      .filter((link) => fileOrder.has(link.fileId))
      .sort((a, b) => fileOrder.get(a.fileId)! - fileOrder.get(b.fileId)!)
      .map((link, index) => ({
        agent_id: agentId,
        file_id: ids.of(link.fileId, 'file'),
        source_id: ids.of(link.folderId, 'source'),
        file_name: fileNames.get(link.fileId) ?? null,
        is_open: link.isOpen,
        visible_content: link.visibleContent,
        last_accessed_at: link.lastAccessedAt,
        start_line: link.startLine,
        end_line: link.endLine,
        id: `file_agent-${index}`,
      })),
    group_ids: [],
  };

  return {
    agents: [agentEntry],
    groups: [],
    blocks: blockEntries,
    files: fileEntries,
    sources: sourceEntries,
    tools: toolEntries,
    mcp_servers: [],
    skills: options.skills,
    metadata: { exported_by: 'mnemo' },
    created_at: new Date().toISOString(),
  };
}

function blockEntry(block: Block, id: string) {
  return {
    value: block.value,
    limit: block.limit,
    project_id: block.projectId,
    template_name: block.templateName,
    is_template: block.isTemplate,
    preserve_on_migration: block.preserveOnMigration,
    label: block.label,
    read_only: block.readOnly,
    description: block.description,
    metadata: block.metadata ?? {},
    hidden: block.hidden,
    tags: block.tags,
    id,
  };
}

function toolEntry(tool: AgentTool, id: string) {
  return {
    id,
    tool_type: tool.toolType,
    description: tool.description,
    source_type: tool.sourceType,
    name: tool.name,
    tags: tool.tags,
    source_code: tool.sourceCode,
    json_schema: tool.jsonSchema,
    args_json_schema: tool.argsJsonSchema,
    return_char_limit: tool.returnCharLimit,
    pip_requirements: tool.pipRequirements,
    npm_requirements: tool.npmRequirements,
    default_requires_approval: tool.defaultRequiresApproval,
    enable_parallel_execution: tool.enableParallelExecution,
    metadata_: tool.metadata ?? {},
  };
}

function sourceEntry(folder: SnapshotFolder, id: string) {
  return {
    name: folder.name,
    description: folder.description,
    instructions: folder.instructions,
    metadata: folder.metadata,
    embedding: null,
    embedding_chunk_size: null,
    embedding_config: folder.embeddingConfig,
    id,
  };
}

function fileEntry(file: SnapshotFile, id: string, sourceId: string) {
  return {
    source_id: sourceId,
    file_name: file.fileName,
    original_file_name: file.originalFileName,
    file_path: file.filePath,
    file_type: file.fileType,
    file_size: file.fileSize,
    file_creation_date: file.fileCreationDate,
    file_last_modified_date: file.fileLastModifiedDate,
    processing_status: file.processingStatus,
    error_message: file.errorMessage,
    total_chunks: file.totalChunks,
    chunks_embedded: file.chunksEmbedded,
    content: file.content,
    id,
  };
}

function messageEntry(message: ExportedMessage, ids: FileIds, agentId: string) {
  const id = ids.of(message.id, 'message');
  return {
    type: 'message',
    role: message.role,
    content: message.content,
    name: message.name,
    otid: message.otid,
    sender_id: message.senderId,
    batch_item_id: null,
    group_id: message.groupId,
    id,
    model: message.model,
    agent_id: agentId,
    tool_calls: message.toolCalls,
    tool_call_id: message.toolCallId,
    tool_returns: message.toolReturns ?? [],
    created_at: message.createdAt,
    approve: message.approve,
    approval_request_id: message.approvalRequestId && (ids.known(message.approvalRequestId) ?? message.approvalRequestId),
    denial_reason: message.denialReason,
    approvals: message.approvals,
  };
}
