/** What a scheduled message sends: the body of a message send, plus where to report the result. */
export interface ScheduledRequest {
  messages: Record<string, unknown>[];
  max_steps?: number | null;
  include_return_message_types?: string[] | null;
  callback_url?: string | null;
}

export type Schedule = { type: 'one-time'; scheduledAt: string } | { type: 'recurring'; cronExpression: string };

export interface ScheduledMessage {
  id: string;
  agentId: string;
  request: ScheduledRequest;
  schedule: Schedule;
  /** The next firing, or null once a one-time message has been sent. */
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastRunId: string | null;
  createdAt: string;
  updatedAt: string;
}
