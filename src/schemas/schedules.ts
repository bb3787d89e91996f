import { z } from 'zod';
import { messageCreateSchema } from './agents.js';
import { idSchema } from './common.js';
import { MESSAGE_TYPES } from './messages.js';

export const scheduleInputSchema = z.union([
  z.object({ type: z.literal('recurring'), cron_expression: z.string().min(1).max(200) }),
  z.object({ type: z.literal('one-time').optional(), scheduled_at: z.number().positive() }),
]);

export const createScheduleRequestSchema = z.object({
  messages: z.array(messageCreateSchema).min(1, { error: 'must hold at least one message' }).max(100),
  schedule: scheduleInputSchema,
  callback_url: z.url({ protocol: /^https?$/ }).nullish(),
  include_return_message_types: z.array(z.enum(MESSAGE_TYPES)).nullish(),
  max_steps: z.number().int().min(1).max(1000).nullish(),
});

export const listSchedulesQuerySchema = z.object({
  after: z.string().max(200).nullish(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

export const scheduleParams = z.object({ agent_id: idSchema('agent'), scheduled_message_id: idSchema('scheduled_message') });
