import { Cron } from 'croner';
import type { PageRequest } from '../domain/pagination.js';
import type { Schedule, ScheduledMessage, ScheduledRequest } from '../domain/schedule.js';
import { runStatusFor } from '../engine/stop-reasons.js';
import { ValidationError } from '../errors.js';
import { sendMessagesRequestSchema } from '../schemas/messages.js';
import { toLettaResponse } from '../serializers/letta-response.js';
import type { Store } from '../store/store.js';
import type { MessageService } from './messages.js';

/** Letta's schedule input: `scheduled_at` (epoch seconds, or milliseconds when that large) or a cron expression. */
export type ScheduleInput = { type?: 'one-time'; scheduled_at: number } | { type: 'recurring'; cron_expression: string };

/** Epoch values past this are milliseconds (1e11 seconds is the year 5138). */
const MILLISECONDS_FROM = 1e11;
const DUE_BATCH = 20;
const CALLBACK_TIMEOUT_MS = 10_000;

function cronOf(expression: string, timezone: string): Cron {
  try {
    return new Cron(expression, { timezone, paused: true });
  } catch (error) {
    throw ValidationError.field('schedule.cron_expression', `"${expression}" is not a cron expression: ${(error as Error).message}`);
  }
}

/** The next firing after `after`: a recurring schedule's next cron time in the agent's timezone. */
function nextCronRun(expression: string, timezone: string, after: Date): string | null {
  return cronOf(expression, timezone).nextRun(after)?.toISOString() ?? null;
}

/**
 * Scheduled messages: stored per agent, fired by every server process's scheduler. A firing is
 * claimed by moving `next_run_at` with a compare-and-set, so among processes sharing a store exactly
 * one sends it; a recurring schedule's next time is computed from the moment of firing, so firings
 * missed while no server ran are sent once, not once per missed tick.
 */
export class ScheduleService {
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly messages: MessageService,
    private readonly pollMs: number,
    private readonly log: (message: string, error?: unknown) => void = () => undefined,
  ) {}

  async create(agentId: string, request: ScheduledRequest, input: ScheduleInput): Promise<ScheduledMessage> {
    const agent = await this.store.repos.agents.get(agentId);
    let schedule: Schedule;
    let next: string | null;
    if (input.type === 'recurring') {
      schedule = { type: 'recurring', cronExpression: input.cron_expression };
      next = nextCronRun(input.cron_expression, agent.timezone, new Date());
      if (!next) throw ValidationError.field('schedule.cron_expression', `"${input.cron_expression}" never fires again`);
    } else {
      const epochMs = input.scheduled_at >= MILLISECONDS_FROM ? input.scheduled_at : input.scheduled_at * 1000;
      if (!Number.isFinite(epochMs) || epochMs <= 0) throw ValidationError.field('schedule.scheduled_at', 'must be a Unix time (seconds or milliseconds)');
      next = new Date(epochMs).toISOString();
      schedule = { type: 'one-time', scheduledAt: next };
    }
    return this.store.repos.schedules.create(agentId, request, schedule, next);
  }

  async get(agentId: string, id: string): Promise<ScheduledMessage> {
    await this.store.repos.agents.assertExists(agentId);
    return this.store.repos.schedules.get(agentId, id);
  }

  async list(agentId: string, page: PageRequest): Promise<{ items: ScheduledMessage[]; hasNextPage: boolean }> {
    await this.store.repos.agents.assertExists(agentId);
    return this.store.repos.schedules.list(agentId, page);
  }

  async delete(agentId: string, id: string): Promise<void> {
    await this.store.repos.agents.assertExists(agentId);
    await this.store.repos.schedules.delete(agentId, id);
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.pollMs);
    this.timer.unref();
  }

  /** Stops polling and waits for the sends already under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  /** Claims and sends what is due; a tick still running makes the next one a no-op. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const now = new Date();
      for (const due of await this.store.repos.schedules.due(now.toISOString(), DUE_BATCH)) {
        const next = due.schedule.type === 'recurring' ? await this.nextRunOf(due, now) : null;
        if (!(await this.store.repos.schedules.claim(due.id, due.nextRunAt!, next, now.toISOString()))) continue;
        const sending = this.fire(due).finally(() => this.inFlight.delete(sending));
        this.inFlight.add(sending);
      }
    } catch (error) {
      this.log('scheduler tick failed', error);
    } finally {
      this.ticking = false;
    }
  }

  private async nextRunOf(due: ScheduledMessage, now: Date): Promise<string | null> {
    if (due.schedule.type !== 'recurring') return null;
    const agent = await this.store.repos.agents.get(due.agentId);
    return nextCronRun(due.schedule.cronExpression, agent.timezone, now);
  }

  /** Sends through the normal message path (the agent's queue, a run), then reports to the callback. */
  private async fire(due: ScheduledMessage): Promise<void> {
    const { callback_url: callbackUrl, ...send } = due.request;
    let payload: Record<string, unknown>;
    try {
      const request = sendMessagesRequestSchema.parse({ messages: send.messages, ...(send.max_steps != null ? { max_steps: send.max_steps } : {}) });
      const { runId, result } = await this.messages.send(due.agentId, request);
      await this.store.repos.schedules.recordRun(due.id, runId);
      payload = {
        scheduled_message_id: due.id,
        agent_id: due.agentId,
        run_id: runId,
        status: runStatusFor(result.stopReason),
        ...toLettaResponse(result, runId, { includeTypes: send.include_return_message_types as never }),
      };
    } catch (error) {
      this.log(`scheduled message ${due.id} could not be sent`, error);
      payload = { scheduled_message_id: due.id, agent_id: due.agentId, run_id: null, status: 'failed', error: (error as Error).message };
    }
    if (callbackUrl) await this.callback(callbackUrl, payload);
  }

  private async callback(url: string, payload: Record<string, unknown>): Promise<void> {
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload), signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS) });
      if (!response.ok) this.log(`callback ${url} answered ${response.status}`);
    } catch (error) {
      this.log(`callback ${url} failed`, error);
    }
  }
}
