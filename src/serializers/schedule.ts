import type { ScheduledMessage } from '../domain/schedule.js';

/** Letta's ScheduledMessage; a one-time schedule's `scheduled_at` in epoch milliseconds. */
export function toScheduledMessageWire(scheduled: ScheduledMessage) {
  const { messages, callback_url, include_return_message_types, max_steps } = scheduled.request;
  return {
    id: scheduled.id,
    agent_id: scheduled.agentId,
    message: { messages, callback_url: callback_url ?? null, include_return_message_types: include_return_message_types ?? null, max_steps: max_steps ?? null },
    next_scheduled_time: scheduled.nextRunAt,
    schedule:
      scheduled.schedule.type === 'recurring'
        ? { type: 'recurring', cron_expression: scheduled.schedule.cronExpression }
        : { type: 'one-time', scheduled_at: Date.parse(scheduled.schedule.scheduledAt) },
  };
}
