import { z } from 'zod';
import { messageCreateSchema } from './agents.js';
import { paginationQuery, queryBoolean } from './common.js';

export const MESSAGE_TYPES = [
  'system_message',
  'user_message',
  'assistant_message',
  'reasoning_message',
  'hidden_reasoning_message',
  'tool_call_message',
  'tool_return_message',
  'approval_request_message',
  'approval_response_message',
  'summary_message',
  'event_message',
] as const;

const contentPartSchema = z.object({ type: z.string() }).loose();
const approvalCreateSchema = z.object({ type: z.literal('approval') }).loose();

export const sendMessagesRequestSchema = z
  .object({
    messages: z.array(z.union([messageCreateSchema, approvalCreateSchema])).min(1, { error: 'must hold at least one message' }).nullish(),
    input: z.union([z.string().min(1), z.array(contentPartSchema).min(1)]).nullish(),
    max_steps: z.number().int().min(1).max(1000).default(50),
    use_assistant_message: z.boolean().default(true),
    assistant_message_tool_name: z.string().default('send_message'),
    assistant_message_tool_kwarg: z.string().default('message'),
    include_return_message_types: z.array(z.enum(MESSAGE_TYPES)).nullish(),
    enable_thinking: z.string().optional(),
    override_model: z.string().nullish(),
    streaming: z.boolean().optional(),
    stream_tokens: z.boolean().optional(),
    include_pings: z.boolean().optional(),
    background: z.boolean().optional(),
    client_tools: z.array(z.object({ name: z.string() }).loose()).nullish(),
  })
  .loose()
  .superRefine((body, context) => {
    if (body.messages && body.input) context.addIssue({ code: 'custom', path: ['input'], message: 'give either input or messages, not both' });
    if (!body.messages && !body.input) context.addIssue({ code: 'custom', path: ['messages'], message: 'give messages or input' });
  });
export type SendMessagesRequest = z.infer<typeof sendMessagesRequestSchema>;

export const listMessagesQuerySchema = paginationQuery(100, 'desc').extend({
  group_id: z.string().nullish(),
  conversation_id: z.string().nullish(),
  use_assistant_message: queryBoolean.default(true),
  assistant_message_tool_name: z.string().default('send_message'),
  assistant_message_tool_kwarg: z.string().default('message'),
  include_err: queryBoolean.optional(),
  order_by: z.literal('created_at').optional(),
});
export type ListMessagesQuery = z.infer<typeof listMessagesQuerySchema>;

export const lettaMessageSchema = z.object({ id: z.string(), message_type: z.enum(MESSAGE_TYPES) }).loose();
export const lettaResponseSchema = z.object({
  messages: z.array(lettaMessageSchema),
  stop_reason: z.object({ message_type: z.literal('stop_reason'), stop_reason: z.string() }),
  usage: z.object({ message_type: z.literal('usage_statistics') }).loose(),
  logprobs: z.null(),
  turns: z.null(),
});

