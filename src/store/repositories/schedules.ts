import type { PageRequest } from '../../domain/pagination.js';
import type { Schedule, ScheduledMessage, ScheduledRequest } from '../../domain/schedule.js';
import { NotFoundError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { StoreDialect } from '../dialects/dialect.js';
import { decodeJson, encodeJson, now } from '../json.js';
import { paginate } from '../pagination.js';
import type { Executor } from '../store.js';
import type { ScheduledMessageRow } from '../tables.js';

function toScheduledMessage(row: ScheduledMessageRow): ScheduledMessage {
  const schedule: Schedule = row.schedule_type === 'recurring' ? { type: 'recurring', cronExpression: row.cron_expression ?? '' } : { type: 'one-time', scheduledAt: row.scheduled_at ?? '' };
  return {
    id: row.id,
    agentId: row.agent_id,
    request: decodeJson<ScheduledRequest>(row.request),
    schedule,
    nextRunAt: row.next_run_at,
    lastRunAt: row.last_run_at,
    lastRunId: row.last_run_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class ScheduleRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: StoreDialect,
  ) {}

  async create(agentId: string, request: ScheduledRequest, schedule: Schedule, nextRunAt: string): Promise<ScheduledMessage> {
    const at = now();
    const row = await this.db
      .insertInto('scheduled_messages')
      .values({
        id: newId('scheduled_message'),
        agent_id: agentId,
        request: encodeJson(request),
        schedule_type: schedule.type,
        scheduled_at: schedule.type === 'one-time' ? schedule.scheduledAt : null,
        cron_expression: schedule.type === 'recurring' ? schedule.cronExpression : null,
        next_run_at: nextRunAt,
        last_run_at: null,
        last_run_id: null,
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toScheduledMessage(row);
  }

  async get(agentId: string, id: string): Promise<ScheduledMessage> {
    const row = await this.db.selectFrom('scheduled_messages').selectAll().where('id', '=', id).where('agent_id', '=', agentId).executeTakeFirst();
    if (!row) throw new NotFoundError('scheduled_message', id, ` for agent ${agentId}`);
    return toScheduledMessage(row);
  }

  /** The page, and whether another follows it. */
  async list(agentId: string, page: PageRequest): Promise<{ items: ScheduledMessage[]; hasNextPage: boolean }> {
    const query = this.db.selectFrom('scheduled_messages').selectAll().where('agent_id', '=', agentId);
    const rows = await paginate(this.db, 'scheduled_messages', query, { ...page, limit: page.limit + 1 });
    return { items: rows.slice(0, page.limit).map(toScheduledMessage), hasNextPage: rows.length > page.limit };
  }

  async delete(agentId: string, id: string): Promise<void> {
    const result = await this.db.deleteFrom('scheduled_messages').where('id', '=', id).where('agent_id', '=', agentId).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new NotFoundError('scheduled_message', id, ` for agent ${agentId}`);
  }

  async due(at: string, limit: number): Promise<ScheduledMessage[]> {
    const rows = await this.db.selectFrom('scheduled_messages').selectAll().where('next_run_at', '<=', at).orderBy('next_run_at').limit(limit).execute();
    return rows.map(toScheduledMessage);
  }

  /**
   * Takes one firing: moves `next_run_at` from `expected` to `next` only if no one else has. Of
   * several processes racing for the same firing exactly one gets true.
   */
  async claim(id: string, expected: string, next: string | null, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('scheduled_messages')
      .set({ next_run_at: next, last_run_at: at, updated_at: at })
      .where('id', '=', id)
      .where('next_run_at', '=', expected)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async recordRun(id: string, runId: string): Promise<void> {
    await this.db.updateTable('scheduled_messages').set({ last_run_id: runId }).where('id', '=', id).execute();
  }
}
