import { z } from 'zod';
import { idSchema, metadataSchema, queryArray, queryBoolean } from './common.js';
import { MESSAGE_TYPES } from './messages.js';

const conversationFields = {
  description: z.string().max(10_000).nullish(),
  summary: z.string().max(100_000).nullish(),
  model: z.string().max(300).nullish(),
  model_settings: metadataSchema.nullish(),
  context_window_limit: z.number().int().min(1).nullish(),
};

export const createConversationQuerySchema = z.object({ agent_id: idSchema('agent') });
export const createConversationRequestSchema = z.object({ ...conversationFields, hidden: z.boolean().optional() }).nullish();
export const updateConversationRequestSchema = z.object({ ...conversationFields, archived: z.boolean().nullish() }).nullish();

export const listConversationsQuerySchema = z.object({
  agent_id: idSchema('agent').nullish(),
  after: z.string().max(200).nullish(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  order: z.enum(['asc', 'desc']).default('desc'),
  order_by: z.enum(['created_at', 'last_run_completion', 'last_message_at']).optional(),
  archive_status: z.enum(['unarchived', 'archived', 'all']).default('unarchived'),
  summary_search: z.string().max(1_000).nullish(),
});

/** A conversation's id, or `default` (the agent's own, with `agent_id` given). */
export const conversationIdParams = z.object({ conversation_id: z.union([z.literal('default'), idSchema('conv')]) });

export const listConversationMessagesQuerySchema = z.object({
  agent_id: idSchema('agent').nullish(),
  before: z.string().max(200).nullish(),
  after: z.string().max(200).nullish(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  order: z.enum(['asc', 'desc']).default('desc'),
  use_assistant_message: queryBoolean.default(true),
  include_return_message_types: queryArray(z.enum(MESSAGE_TYPES)).optional(),
});
