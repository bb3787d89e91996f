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
const approvalDecisionSchema = z.object({
  type: z.literal('approval').optional(),
  tool_call_id: z.string().min(1),
  approve: z.boolean(),
  reason: z.string().max(10_000).nullish(),
});
const clientToolReturnSchema = z.object({
  type: z.literal('tool'),
  tool_call_id: z.string().min(1),
  tool_return: z.union([z.string(), z.array(contentPartSchema)]),
  status: z.enum(['success', 'error']),
  stdout: z.array(z.string()).nullish(),
  stderr: z.array(z.string()).nullish(),
});
export type ApprovalDecision = z.infer<typeof approvalDecisionSchema>;
export type ClientToolReturn = z.infer<typeof clientToolReturnSchema>;

/** The client's answer to an approval request: per call (`approvals`), or the deprecated one answer for all. */
export const approvalCreateSchema = z
  .object({
    type: z.literal('approval'),
    approvals: z.array(z.union([clientToolReturnSchema, approvalDecisionSchema])).min(1).nullish(),
    approve: z.boolean().nullish(),
    approval_request_id: z.string().nullish(),
    reason: z.string().max(10_000).nullish(),
    otid: z.string().max(200).nullish(),
    group_id: z.string().nullish(),
  })
  .superRefine((body, context) => {
    if (!body.approvals && typeof body.approve !== 'boolean') {
      context.addIssue({ code: 'custom', path: ['approvals'], message: 'give approvals (one per pending tool call) or approve' });
    }
  });
export type ApprovalCreate = z.infer<typeof approvalCreateSchema>;

export const clientToolSchema = z.object({
  name: z.string().min(1).max(64),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
});

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
    client_tools: z.array(clientToolSchema).max(200).nullish(),
    client_skills: z.array(z.object({ name: z.string().min(1).max(200), description: z.string().max(10_000), location: z.string().max(2_000) })).max(500).nullish(),
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

