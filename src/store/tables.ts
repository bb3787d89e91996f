import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Column conventions, identical on SQLite and Postgres so rows read the same on both:
 * - times are ISO 8601 UTC text of fixed width (`toISOString()`), so they sort as text;
 * - JSON values are text (`JsonText`), encoded and decoded in the repositories;
 * - booleans are integers 0/1 (`Flag`), since better-sqlite3 cannot bind booleans.
 */
export type JsonText = string;
export type Flag = number;
export type Timestamp = string;

export interface AgentsTable {
  id: string;
  name: string;
  agent_type: string;
  description: string | null;
  system: string;
  model: string | null;
  llm_config: JsonText;
  embedding: string | null;
  embedding_config: JsonText | null;
  model_settings: JsonText | null;
  compaction_settings: JsonText | null;
  response_format: JsonText | null;
  tool_rules: JsonText;
  metadata: JsonText | null;
  timezone: string;
  max_files_open: number | null;
  per_file_view_window_char_limit: number | null;
  message_buffer_autoclear: Flag;
  enable_sleeptime: Flag | null;
  hidden: Flag | null;
  project_id: string | null;
  template_id: string | null;
  base_template_id: string | null;
  deployment_id: string | null;
  entity_id: string | null;
  created_by_id: string | null;
  last_updated_by_id: string | null;
  last_run_completion: Timestamp | null;
  last_run_duration_ms: number | null;
  last_stop_reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface BlocksTable {
  id: string;
  label: string;
  value: string;
  char_limit: number;
  description: string | null;
  read_only: Flag;
  hidden: Flag | null;
  preserve_on_migration: Flag | null;
  metadata: JsonText | null;
  tags: JsonText | null;
  template_name: string | null;
  is_template: Flag;
  template_id: string | null;
  base_template_id: string | null;
  deployment_id: string | null;
  entity_id: string | null;
  project_id: string | null;
  created_by_id: string | null;
  last_updated_by_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface BlockTagsTable {
  block_id: string;
  tag: string;
}

/** An agent holds at most one block per label; one block may be shared by many agents. */
export interface AgentBlocksTable {
  agent_id: string;
  block_id: string;
  label: string;
  /** Attach order within the agent. */
  position: number;
  attached_at: Timestamp;
}

export interface ToolsTable {
  id: string;
  name: string;
  description: string | null;
  tool_type: string;
  source_type: string | null;
  source_code: string | null;
  json_schema: JsonText | null;
  args_json_schema: JsonText | null;
  tags: JsonText;
  return_char_limit: number;
  pip_requirements: JsonText | null;
  npm_requirements: JsonText | null;
  default_requires_approval: Flag | null;
  enable_parallel_execution: Flag | null;
  metadata: JsonText | null;
  project_id: string | null;
  created_by_id: string | null;
  last_updated_by_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AgentToolsTable {
  agent_id: string;
  tool_id: string;
  /** Per-agent override of the tool's default_requires_approval; null follows the tool. */
  requires_approval: Flag | null;
  /** Attach order within the agent. */
  position: number;
  attached_at: Timestamp;
}

export interface AgentTagsTable {
  agent_id: string;
  tag: string;
}

export interface IdentitiesTable {
  id: string;
  identifier_key: string;
  name: string;
  identity_type: string;
  project_id: string | null;
  properties: JsonText;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface IdentityAgentsTable {
  identity_id: string;
  agent_id: string;
}

export interface IdentityBlocksTable {
  identity_id: string;
  block_id: string;
}

/** Secrets / tool execution environment variables of an agent. */
export interface AgentSecretsTable {
  id: string;
  agent_id: string;
  key: string;
  value: string;
  description: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/**
 * Every message belongs to a conversation. Each agent has one default conversation (the agent's
 * own messages endpoints) created with it; each conversation keeps its own in-context list.
 */
export interface ConversationsTable {
  id: string;
  agent_id: string;
  is_default: Flag;
  description: string | null;
  summary: string | null;
  archived: Flag;
  archived_at: Timestamp | null;
  hidden: Flag;
  model: string | null;
  model_settings: JsonText | null;
  context_window_limit: number | null;
  /** Ordered message ids of the context window; the first is the system message. */
  in_context_message_ids: JsonText;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MessagesTable {
  /** Store-wide monotonic order, used for sorting and cursors. */
  seq: Generated<number>;
  id: string;
  agent_id: string;
  conversation_id: string;
  role: string;
  content: JsonText | null;
  name: string | null;
  tool_calls: JsonText | null;
  tool_call_id: string | null;
  tool_returns: JsonText | null;
  approvals: JsonText | null;
  approve: Flag | null;
  approval_request_id: string | null;
  denial_reason: string | null;
  step_id: string | null;
  run_id: string | null;
  otid: string | null;
  sender_id: string | null;
  group_id: string | null;
  batch_item_id: string | null;
  is_err: Flag | null;
  model: string | null;
  created_at: Timestamp;
}

export interface RunsTable {
  id: string;
  agent_id: string;
  conversation_id: string | null;
  status: string;
  stop_reason: string | null;
  background: Flag;
  request_config: JsonText | null;
  metadata: JsonText | null;
  callback_url: string | null;
  callback_sent_at: Timestamp | null;
  callback_status_code: number | null;
  callback_error: string | null;
  usage: JsonText | null;
  /** The server process that runs it; a restart fails runs whose owner is gone. */
  owner: string | null;
  total_duration_ns: number | null;
  ttft_ns: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  completed_at: Timestamp | null;
}

/** Each event a run streamed, numbered from 1, so a client can resume with `starting_after`. */
export interface RunEventsTable {
  run_id: string;
  seq_id: number;
  payload: JsonText;
  created_at: Timestamp;
}

export interface StepsTable {
  id: string;
  run_id: string | null;
  agent_id: string;
  conversation_id: string | null;
  provider_name: string | null;
  provider_category: string | null;
  model: string | null;
  model_endpoint: string | null;
  context_window_limit: number | null;
  completion_tokens: number;
  prompt_tokens: number;
  total_tokens: number;
  usage: JsonText | null;
  stop_reason: string | null;
  status: string;
  error_type: string | null;
  error_data: JsonText | null;
  created_at: Timestamp;
  completed_at: Timestamp | null;
}

export interface ArchivesTable {
  id: string;
  name: string;
  description: string | null;
  /** Letta's EmbeddingConfig of the archive's passages; null until the first passage decides it. */
  embedding_config: JsonText | null;
  vector_db_provider: string;
  metadata: JsonText | null;
  /** 'archival' (an agent's archival memory) or 'folder' (the passages of a folder's files). */
  kind: Generated<ArchiveKind>;
  created_by_id: string | null;
  last_updated_by_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AgentArchivesTable {
  agent_id: string;
  archive_id: string;
  created_at: Timestamp;
}

/** The stored vector: float32 little-endian bytes in SQLite, pgvector text (`[1,2,3]`) in Postgres. */
export type VectorValue = Uint8Array | string;

export interface PassagesTable {
  seq: Generated<number>;
  id: string;
  archive_id: string;
  text: string;
  /** JSON list of tags; `passage_tags` indexes them. */
  tags: JsonText;
  metadata: JsonText | null;
  embedding_handle: string;
  embedding_dim: number;
  embedding: VectorValue;
  /** The folder file the passage was cut from; null for archival memory. */
  file_id: string | null;
  created_by_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PassageTagsTable {
  passage_id: string;
  archive_id: string;
  tag: string;
}

export interface ScheduledMessagesTable {
  id: string;
  agent_id: string;
  /** The request to send: `{messages, max_steps, include_return_message_types, callback_url}` as JSON. */
  request: JsonText;
  schedule_type: string;
  /** One-time schedules: when (ISO UTC). */
  scheduled_at: Timestamp | null;
  cron_expression: string | null;
  /** The next firing; null once a one-time schedule has fired. Claimed by compare-and-set. */
  next_run_at: Timestamp | null;
  last_run_at: Timestamp | null;
  last_run_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type ArchiveKind = 'archival' | 'folder';

export interface FoldersTable {
  id: string;
  name: string;
  description: string | null;
  instructions: string | null;
  metadata: JsonText | null;
  /** Its archive holds the passages of its files, and their embedding config. */
  archive_id: string;
  created_by_id: string | null;
  last_updated_by_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface FilesTable {
  id: string;
  folder_id: string;
  file_name: string;
  original_file_name: string;
  file_path: string | null;
  file_type: string;
  file_size: number;
  file_creation_date: string | null;
  file_last_modified_date: string | null;
  processing_status: string;
  error_message: string | null;
  total_chunks: number | null;
  chunks_embedded: number | null;
  /** The extracted text, once parsed. */
  content: string | null;
  owner_id: string | null;
  heartbeat_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AgentFoldersTable {
  agent_id: string;
  folder_id: string;
  created_at: Timestamp;
}

export interface FileAgentsTable {
  id: string;
  agent_id: string;
  file_id: string;
  folder_id: string;
  is_open: Flag;
  visible_content: string | null;
  start_line: number | null;
  end_line: number | null;
  last_accessed_at: Timestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface Database {
  agents: AgentsTable;
  blocks: BlocksTable;
  block_tags: BlockTagsTable;
  agent_blocks: AgentBlocksTable;
  tools: ToolsTable;
  agent_tools: AgentToolsTable;
  agent_tags: AgentTagsTable;
  identities: IdentitiesTable;
  identity_agents: IdentityAgentsTable;
  identity_blocks: IdentityBlocksTable;
  agent_secrets: AgentSecretsTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  runs: RunsTable;
  run_events: RunEventsTable;
  steps: StepsTable;
  archives: ArchivesTable;
  agent_archives: AgentArchivesTable;
  passages: PassagesTable;
  passage_tags: PassageTagsTable;
  scheduled_messages: ScheduledMessagesTable;
  folders: FoldersTable;
  files: FilesTable;
  agent_folders: AgentFoldersTable;
  file_agents: FileAgentsTable;
}

export type AgentRow = Selectable<AgentsTable>;
export type NewAgentRow = Insertable<AgentsTable>;
export type AgentRowUpdate = Updateable<AgentsTable>;
export type BlockRow = Selectable<BlocksTable>;
export type BlockRowUpdate = Updateable<BlocksTable>;
export type ToolRow = Selectable<ToolsTable>;
export type NewToolRow = Insertable<ToolsTable>;
export type ToolRowUpdate = Updateable<ToolsTable>;
export type IdentityRow = Selectable<IdentitiesTable>;
export type AgentSecretRow = Selectable<AgentSecretsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type RunRow = Selectable<RunsTable>;
export type StepRow = Selectable<StepsTable>;
export type ArchiveRow = Selectable<ArchivesTable>;
export type PassageRow = Selectable<PassagesTable>;
export type ScheduledMessageRow = Selectable<ScheduledMessagesTable>;
export type FolderRow = Selectable<FoldersTable>;
export type FileRow = Selectable<FilesTable>;
export type FileAgentRow = Selectable<FileAgentsTable>;
