import { z } from 'zod';
import { TOOL_TYPES } from '../domain/tool.js';
import { MESSAGE_ROLES } from '../domain/message.js';
import { metadataSchema } from '../schemas/common.js';
import {
  agentTypeSchema,
  compactionSettingsSchema,
  embeddingConfigInputSchema,
  llmConfigInputSchema,
  modelSettingsSchema,
  toolRuleSchema,
} from '../schemas/agents.js';

/**
 * Letta's Agent File (`.af`, `AgentFileSchema` in letta/schemas/agent_file.py): every entity
 * is listed once at the top level under a file-local id (`agent-0`, `block-0`, `message-0` ...)
 * and referenced by it. Lenient on what Mnemo does not use (unknown fields are dropped), strict on
 * what it does.
 */

/** The entity kinds that carry file-local ids, as Letta prefixes them. */
const FILE_ID_PREFIXES = ['agent', 'group', 'block', 'file', 'source', 'tool', 'message', 'mcp_server', 'file_agent'] as const;
export type FileIdPrefix = (typeof FILE_ID_PREFIXES)[number];

function localId(prefix: FileIdPrefix) {
  return z.string().regex(new RegExp(`^${prefix}-\\d+$`), { error: `must be a file-local id of the form ${prefix}-<number>` });
}

const timestamp = z.string().refine((text) => !Number.isNaN(Date.parse(text)), { error: 'must be an ISO 8601 date-time' });
const stringMap = z.record(z.string(), z.string());

const contentPartSchema = z.object({ type: z.string() }).loose();

const toolCallSchema = z.object({
  id: z.string().min(1),
  type: z.literal('function').default('function'),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

const toolReturnSchema = z
  .object({
    tool_call_id: z.string().nullish(),
    status: z.enum(['success', 'error']),
    func_response: z.string().nullish(),
    stdout: z.array(z.string()).nullish(),
    stderr: z.array(z.string()).nullish(),
  })
  .loose();

const fileMessageSchema = z.object({
  id: localId('message'),
  role: z.enum(MESSAGE_ROLES),
  content: z.union([z.string(), z.array(contentPartSchema)]).nullish(),
  name: z.string().nullish(),
  otid: z.string().nullish(),
  sender_id: z.string().nullish(),
  group_id: z.string().nullish(),
  model: z.string().nullish(),
  agent_id: z.string().nullish(),
  tool_calls: z.array(toolCallSchema).nullish(),
  tool_call_id: z.string().nullish(),
  tool_returns: z.array(toolReturnSchema).nullish(),
  created_at: timestamp.nullish(),
  approve: z.boolean().nullish(),
  approval_request_id: z.string().nullish(),
  denial_reason: z.string().nullish(),
  approvals: z.array(z.object({ type: z.enum(['approval', 'tool']), tool_call_id: z.string() }).loose()).nullish(),
});
export type FileMessage = z.infer<typeof fileMessageSchema>;

const fileAgentSchema = z.object({
  // Letta writes the database id here (`file_agent-<uuid>`); nothing refers to it.
  id: z.string().nullish(),
  agent_id: z.string(),
  file_id: z.string(),
  source_id: z.string(),
  file_name: z.string().nullish(),
  is_open: z.boolean().default(true),
  visible_content: z.string().nullish(),
  last_accessed_at: timestamp.nullish(),
  start_line: z.number().int().nullish(),
  end_line: z.number().int().nullish(),
});

const inlineBlockSchema = z.object({
  label: z.string().min(1).max(200),
  value: z.string(),
  limit: z.number().int().min(1).nullish(),
  description: z.string().nullish(),
  read_only: z.boolean().nullish(),
  hidden: z.boolean().nullish(),
  preserve_on_migration: z.boolean().nullish(),
  metadata: metadataSchema.nullish(),
  tags: z.array(z.string()).nullish(),
  template_name: z.string().nullish(),
  is_template: z.boolean().nullish(),
  project_id: z.string().nullish(),
});

const fileBlockSchema = inlineBlockSchema.extend({ id: localId('block') });

const fileAgentEntitySchema = z.object({
  id: localId('agent'),
  name: z.string().min(1).max(500),
  agent_type: agentTypeSchema.nullish(),
  system: z.string().nullish(),
  description: z.string().nullish(),
  metadata: metadataSchema.nullish(),
  tags: z.array(z.string()).nullish(),
  tool_rules: z.array(toolRuleSchema).nullish(),
  llm_config: llmConfigInputSchema.nullish(),
  embedding_config: embeddingConfigInputSchema.nullish(),
  model: z.string().nullish(),
  embedding: z.string().nullish(),
  model_settings: modelSettingsSchema.nullish(),
  compaction_settings: compactionSettingsSchema.nullish(),
  response_format: z.object({ type: z.string() }).loose().nullish(),
  tool_exec_environment_variables: stringMap.nullish(),
  secrets: stringMap.nullish(),
  timezone: z.string().nullish(),
  max_files_open: z.number().int().min(1).nullish(),
  per_file_view_window_char_limit: z.number().int().min(1).nullish(),
  message_buffer_autoclear: z.boolean().nullish(),
  enable_sleeptime: z.boolean().nullish(),
  hidden: z.boolean().nullish(),
  project_id: z.string().nullish(),
  memory_blocks: z.array(inlineBlockSchema).nullish(),
  /** Names of tools that already exist on the server. */
  tools: z.array(z.string()).nullish(),
  tool_ids: z.array(z.string()).nullish(),
  block_ids: z.array(z.string()).nullish(),
  source_ids: z.array(z.string()).nullish(),
  folder_ids: z.array(z.string()).nullish(),
  group_ids: z.array(z.string()).nullish(),
  in_context_message_ids: z.array(z.string()).default([]),
  messages: z.array(fileMessageSchema).default([]),
  files_agents: z.array(fileAgentSchema).default([]),
});
export type FileAgent = z.infer<typeof fileAgentEntitySchema>;

const fileToolSchema = z.object({
  id: localId('tool'),
  name: z.string().min(1).max(200),
  tool_type: z.enum(TOOL_TYPES).default('custom'),
  description: z.string().nullish(),
  source_type: z.string().nullish(),
  source_code: z.string().nullish(),
  json_schema: metadataSchema.nullish(),
  args_json_schema: metadataSchema.nullish(),
  tags: z.array(z.string()).nullish(),
  return_char_limit: z.number().int().min(1).nullish(),
  pip_requirements: z.array(z.object({ name: z.string(), version: z.string().nullish() }).loose()).nullish(),
  npm_requirements: z.array(z.object({ name: z.string(), version: z.string().nullish() }).loose()).nullish(),
  default_requires_approval: z.boolean().nullish(),
  enable_parallel_execution: z.boolean().nullish(),
  metadata_: metadataSchema.nullish(),
});
export type FileTool = z.infer<typeof fileToolSchema>;

const fileSourceSchema = z.object({
  id: localId('source'),
  name: z.string().min(1).max(500),
  description: z.string().nullish(),
  instructions: z.string().nullish(),
  metadata: metadataSchema.nullish(),
  embedding: z.string().nullish(),
  embedding_config: embeddingConfigInputSchema.nullish(),
});

const fileFileSchema = z.object({
  id: localId('file'),
  source_id: z.string(),
  file_name: z.string().min(1).max(1000),
  original_file_name: z.string().nullish(),
  file_path: z.string().nullish(),
  file_type: z.string().nullish(),
  file_size: z.number().int().min(0).nullish(),
  file_creation_date: z.string().nullish(),
  file_last_modified_date: z.string().nullish(),
  processing_status: z.string().nullish(),
  error_message: z.string().nullish(),
  total_chunks: z.number().int().nullish(),
  chunks_embedded: z.number().int().nullish(),
  content: z.string().nullish(),
});

export const skillSchema = z
  .object({
    name: z.string().min(1).max(200),
    files: stringMap.nullish(),
    source_url: z.string().nullish(),
  })
  .refine((skill) => Boolean(skill.files?.['SKILL.md'] !== undefined || skill.source_url), { error: "needs files with a 'SKILL.md' entry or a source_url" });
export type Skill = z.infer<typeof skillSchema>;

export const agentFileSchema = z.object({
  agents: z.array(fileAgentEntitySchema),
  groups: z.array(z.object({ id: localId('group') }).loose()).default([]),
  blocks: z.array(fileBlockSchema).default([]),
  files: z.array(fileFileSchema).default([]),
  sources: z.array(fileSourceSchema).default([]),
  tools: z.array(fileToolSchema).default([]),
  mcp_servers: z.array(z.object({ id: localId('mcp_server') }).loose()).default([]),
  skills: z.array(skillSchema).default([]),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  created_at: z.string().nullish(),
});
export type AgentFile = z.infer<typeof agentFileSchema>;
