import { z } from 'zod';
import { AGENT_RELATIONSHIPS, AGENT_TYPES } from '../domain/agent.js';
import { blockSchema, createBlockRequestSchema } from './blocks.js';
import { idSchema, metadataSchema, paginationQuery, queryArray, queryBoolean } from './common.js';
import { toolSchema } from './tools.js';

export const agentIdParams = z.object({ agent_id: idSchema('agent') });
export const agentTypeSchema = z.enum(AGENT_TYPES);

export const STOP_REASONS = [
  'end_turn',
  'error',
  'llm_api_error',
  'invalid_llm_response',
  'invalid_tool_call',
  'max_steps',
  'max_tokens_exceeded',
  'no_tool_call',
  'tool_rule',
  'cancelled',
  'insufficient_credits',
  'requires_approval',
  'context_window_overflow_in_system_prompt',
] as const;
export const stopReasonSchema = z.enum(STOP_REASONS);

const toolName = z.string().min(1).max(200);
const promptTemplate = z.string().max(10_000).nullish();

export const toolRuleSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run_first'), tool_name: toolName, prompt_template: promptTemplate, args: metadataSchema.nullish() }),
  z.object({ type: z.literal('exit_loop'), tool_name: toolName, prompt_template: promptTemplate }),
  z.object({ type: z.literal('continue_loop'), tool_name: toolName, prompt_template: promptTemplate }),
  z.object({
    type: z.literal('constrain_child_tools'),
    tool_name: toolName,
    children: z.array(toolName).min(1),
    child_arg_nodes: z.array(z.object({ name: toolName, args: metadataSchema.nullish() })).nullish(),
    prompt_template: promptTemplate,
  }),
  z.object({
    type: z.literal('conditional'),
    tool_name: toolName,
    child_output_mapping: z.record(z.string(), toolName),
    default_child: toolName.nullish(),
    require_output_mapping: z.boolean().optional(),
    prompt_template: promptTemplate,
  }),
  z.object({ type: z.literal('max_count_per_step'), tool_name: toolName, max_count_limit: z.number().int().min(1), prompt_template: promptTemplate }),
  z.object({ type: z.literal('parent_last_tool'), tool_name: toolName, children: z.array(toolName).min(1), prompt_template: promptTemplate }),
  z.object({ type: z.literal('required_before_exit'), tool_name: toolName, prompt_template: promptTemplate }),
  z.object({ type: z.literal('requires_approval'), tool_name: toolName, prompt_template: promptTemplate }),
]);

const responseFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_schema'), json_schema: metadataSchema }),
  z.object({ type: z.literal('json_object') }),
]);

/** Provider settings vary by provider_type; the common ones are checked, the rest kept as sent. */
export const modelSettingsSchema = z
  .object({
    provider_type: z.string().max(100).optional(),
    temperature: z.number().min(0).max(2).optional(),
    max_output_tokens: z.number().int().min(1).optional(),
    parallel_tool_calls: z.boolean().optional(),
    response_format: responseFormatSchema.nullish(),
    reasoning: z.object({ reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).optional() }).loose().optional(),
    thinking: z.object({ type: z.enum(['enabled', 'disabled']).optional(), budget_tokens: z.number().int().min(0).optional() }).loose().optional(),
    effort: z.enum(['low', 'medium', 'high', 'xhigh', 'max']).nullish(),
    verbosity: z.enum(['low', 'medium', 'high']).nullish(),
  })
  .loose();

export const compactionSettingsSchema = z
  .object({
    mode: z.enum(['all', 'sliding_window', 'self_compact_all', 'self_compact_sliding_window']).optional(),
    model: z.string().max(300).nullish(),
    model_settings: modelSettingsSchema.nullish(),
    prompt: z.string().max(100_000).nullish(),
    prompt_acknowledgement: z.boolean().optional(),
    sliding_window_percentage: z.number().min(0).max(1).optional(),
    clip_chars: z.number().int().min(1).nullish(),
  })
  .loose();

const handleSchema = z.string().min(3).max(300).regex(/^[^/\s]+\/\S+$/, { error: 'must be a handle of the form provider/model' });

export const llmConfigInputSchema = z
  .object({
    model: z.string().min(1),
    model_endpoint_type: z.string().min(1),
    context_window: z.number().int().min(1),
    model_endpoint: z.string().nullish(),
    handle: z.string().nullish(),
    temperature: z.number().min(0).max(2).optional(),
    max_tokens: z.number().int().min(1).nullish(),
  })
  .loose();

export const embeddingConfigInputSchema = z
  .object({
    embedding_model: z.string().min(1),
    embedding_endpoint_type: z.string().min(1),
    embedding_dim: z.number().int().min(1).max(65_536),
    embedding_endpoint: z.string().nullish(),
    embedding_chunk_size: z.number().int().min(1).nullish(),
    handle: z.string().nullish(),
    batch_size: z.number().int().min(1).optional(),
  })
  .loose();

const timezoneSchema = z
  .string()
  .max(100)
  .refine(
    (zone) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    },
    { error: 'must be an IANA time zone such as UTC or Europe/Berlin' },
  );

export const messageCreateSchema = z.object({
  type: z.literal('message').optional(),
  role: z.enum(['user', 'system', 'assistant']),
  content: z.union([z.string(), z.array(z.object({ type: z.string() }).loose()).min(1)]),
  name: z.string().max(200).nullish(),
  otid: z.string().max(200).nullish(),
  sender_id: z.string().max(200).nullish(),
  batch_item_id: z.string().nullish(),
  group_id: z.string().nullish(),
});

const secretsSchema = z.record(z.string().min(1).max(200).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be a valid environment variable name' }), z.string().max(100_000));

const agentNameSchema = z.string().trim().min(1, { error: 'must not be empty' }).max(500);

/** Fields that create and update take alike. */
const agentFields = {
  name: agentNameSchema.nullish(),
  description: z.string().max(10_000).nullish(),
  system: z.string().max(1_000_000).nullish(),
  block_ids: z.array(idSchema('block')).max(100).nullish(),
  tool_ids: z.array(idSchema('tool')).max(500).nullish(),
  tool_rules: z.array(toolRuleSchema).max(500).nullish(),
  tags: z.array(z.string().min(1).max(200)).max(200).nullish(),
  metadata: metadataSchema.nullish(),
  model: handleSchema.nullish(),
  embedding: handleSchema.nullish(),
  llm_config: llmConfigInputSchema.nullish(),
  embedding_config: embeddingConfigInputSchema.nullish(),
  model_settings: modelSettingsSchema.nullish(),
  compaction_settings: compactionSettingsSchema.nullish(),
  context_window_limit: z.number().int().min(1).nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  max_reasoning_tokens: z.number().int().min(0).nullish(),
  enable_reasoner: z.boolean().nullish(),
  reasoning: z.boolean().nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: responseFormatSchema.nullish(),
  identity_ids: z.array(idSchema('identity')).max(100).nullish(),
  secrets: secretsSchema.nullish(),
  tool_exec_environment_variables: secretsSchema.nullish(),
  timezone: timezoneSchema.nullish(),
  max_files_open: z.number().int().min(1).max(1000).nullish(),
  per_file_view_window_char_limit: z.number().int().min(1).nullish(),
  enable_sleeptime: z.boolean().nullish(),
  hidden: z.boolean().nullish(),
  source_ids: z.array(idSchema('source')).nullish(),
  folder_ids: z.array(idSchema('source')).nullish(),
  project_id: z.string().nullish(),
  template_id: z.string().nullish(),
  base_template_id: z.string().nullish(),
};

export const createAgentRequestSchema = z.object({
  ...agentFields,
  agent_type: agentTypeSchema.optional(),
  memory_blocks: z.array(createBlockRequestSchema).max(100).nullish(),
  tools: z.array(toolName).max(500).nullish(),
  include_base_tools: z.boolean().optional(),
  include_multi_agent_tools: z.boolean().optional(),
  include_base_tool_rules: z.boolean().nullish(),
  include_default_source: z.boolean().optional(),
  embedding_chunk_size: z.number().int().min(1).nullish(),
  initial_message_sequence: z.array(messageCreateSchema).max(1000).nullish(),
  memory_variables: z.record(z.string(), z.string()).nullish(),
  message_buffer_autoclear: z.boolean().optional(),
  project: z.string().nullish(),
  from_template: z.string().nullish(),
  template: z.boolean().optional(),
  identity_id: z.string().nullish(),
});
export type CreateAgentRequest = z.infer<typeof createAgentRequestSchema>;

export const updateAgentRequestSchema = z.object({
  ...agentFields,
  agent_type: agentTypeSchema.nullish(),
  message_ids: z.array(idSchema('message')).nullish(),
  message_buffer_autoclear: z.boolean().nullish(),
  last_run_completion: z.iso.datetime({ offset: true }).nullish(),
  last_run_duration_ms: z.number().int().nullish(),
  last_stop_reason: stopReasonSchema.nullish(),
});
export type UpdateAgentRequest = z.infer<typeof updateAgentRequestSchema>;

const includeValues = AGENT_RELATIONSHIPS.map((relationship) => `agent.${relationship}`) as [string, ...string[]];
export const agentIncludeSchema = queryArray(z.enum([...includeValues, 'agent.managed_group', 'agent.multi_agent_group'] as [string, ...string[]]));

export const listAgentsQuerySchema = paginationQuery(50, 'desc').extend({
  name: z.string().max(500).nullish(),
  tags: queryArray(z.string()).optional(),
  match_all_tags: queryBoolean.optional(),
  query_text: z.string().max(500).nullish(),
  identity_id: idSchema('identity').nullish(),
  identifier_keys: queryArray(z.string()).optional(),
  project_id: z.string().nullish(),
  template_id: z.string().nullish(),
  base_template_id: z.string().nullish(),
  created_by_id: z.string().nullish(),
  last_stop_reason: stopReasonSchema.nullish(),
  order_by: z.enum(['created_at', 'updated_at', 'last_run_completion']).default('created_at'),
  ascending: queryBoolean.optional(),
  sort_by: z.string().nullish(),
  include: agentIncludeSchema.optional(),
  include_relationships: queryArray(z.string()).optional(),
});
export type ListAgentsQuery = z.infer<typeof listAgentsQuerySchema>;

export const retrieveAgentQuerySchema = z.object({
  include: agentIncludeSchema.optional(),
  include_relationships: queryArray(z.string()).optional(),
});

const agentEnvironmentVariableSchema = z.object({
  id: z.string(),
  agent_id: z.string(),
  key: z.string(),
  value: z.string(),
  description: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  created_by_id: z.string().nullable(),
  last_updated_by_id: z.string().nullable(),
  value_enc: z.string().nullable(),
});

export const identitySchema = z.object({
  id: z.string(),
  identifier_key: z.string(),
  name: z.string(),
  identity_type: z.enum(['org', 'user', 'other']),
  project_id: z.string().nullable(),
  agent_ids: z.array(z.string()),
  block_ids: z.array(z.string()),
  properties: z.array(z.object({ key: z.string(), type: z.string(), value: z.unknown() })),
});

export const agentStateSchema = z.object({
  id: z.string(),
  name: z.string(),
  agent_type: agentTypeSchema,
  description: z.string().nullable(),
  system: z.string(),
  model: z.string().nullable(),
  embedding: z.string().nullable(),
  llm_config: metadataSchema,
  embedding_config: metadataSchema.nullable(),
  model_settings: metadataSchema.nullable(),
  compaction_settings: metadataSchema.nullable(),
  response_format: metadataSchema.nullable(),
  tool_rules: z.array(metadataSchema),
  memory: z.object({ agent_type: z.string().nullable(), blocks: z.array(blockSchema), file_blocks: z.array(metadataSchema), prompt_template: z.string() }),
  blocks: z.array(blockSchema),
  tools: z.array(toolSchema),
  sources: z.array(metadataSchema),
  tags: z.array(z.string()),
  identities: z.array(identitySchema),
  identity_ids: z.array(z.string()),
  secrets: z.array(agentEnvironmentVariableSchema),
  tool_exec_environment_variables: z.array(agentEnvironmentVariableSchema),
  message_ids: z.array(z.string()).nullable(),
  metadata: metadataSchema.nullable(),
  timezone: z.string().nullable(),
  max_files_open: z.number().nullable(),
  per_file_view_window_char_limit: z.number().nullable(),
  message_buffer_autoclear: z.boolean(),
  enable_sleeptime: z.boolean().nullable(),
  hidden: z.boolean().nullable(),
  multi_agent_group: metadataSchema.nullable(),
  managed_group: metadataSchema.nullable(),
  pending_approval: metadataSchema.nullable(),
  project_id: z.string().nullable(),
  template_id: z.string().nullable(),
  base_template_id: z.string().nullable(),
  deployment_id: z.string().nullable(),
  entity_id: z.string().nullable(),
  created_by_id: z.string().nullable(),
  last_updated_by_id: z.string().nullable(),
  last_run_completion: z.string().nullable(),
  last_run_duration_ms: z.number().nullable(),
  last_stop_reason: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type AgentStateWire = z.infer<typeof agentStateSchema>;
