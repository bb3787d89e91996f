import { NotFoundError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { StoreDialect } from '../dialects/dialect.js';
import { decodeJson, encodeJsonOrNull, flag, fromFlag, now } from '../json.js';
import type { Executor } from '../store.js';
import type { PageRequest } from '../../domain/pagination.js';
import { paginate } from '../pagination.js';
import type { RunRow } from '../tables.js';
import type { Run } from '../../domain/run.js';


export function toRun(row: RunRow): Run {
  return {
    id: row.id,
    agentId: row.agent_id,
    conversationId: row.conversation_id,
    status: row.status,
    stopReason: row.stop_reason,
    background: fromFlag(row.background),
    requestConfig: decodeJson(row.request_config),
    metadata: decodeJson(row.metadata),
    usage: decodeJson(row.usage),
    owner: row.owner,
    totalDurationNs: row.total_duration_ns,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
  };
}

export class RunRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: StoreDialect,
  ) {}

  async create(run: { agentId: string; conversationId: string; background: boolean; requestConfig: Record<string, unknown>; owner: string }): Promise<Run> {
    const at = now();
    const row = await this.db
      .insertInto('runs')
      .values({
        id: newId('run'),
        agent_id: run.agentId,
        conversation_id: run.conversationId,
        status: 'running',
        stop_reason: null,
        background: flag(run.background),
        request_config: encodeJsonOrNull(run.requestConfig),
        metadata: null,
        callback_url: null,
        callback_sent_at: null,
        callback_status_code: null,
        callback_error: null,
        usage: null,
        owner: run.owner,
        total_duration_ns: null,
        ttft_ns: null,
        created_at: at,
        updated_at: at,
        completed_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRun(row);
  }

  async finish(id: string, outcome: { status: string; stopReason: string; usage: Record<string, unknown>; durationNs: number }): Promise<void> {
    const at = now();
    await this.db
      .updateTable('runs')
      .set({ status: outcome.status, stop_reason: outcome.stopReason, usage: encodeJsonOrNull(outcome.usage), total_duration_ns: outcome.durationNs, updated_at: at, completed_at: at })
      .where('id', '=', id)
      .execute();
  }

  async get(id: string): Promise<Run> {
    const row = await this.db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('run', id);
    return toRun(row);
  }

  async list(filter: { agentIds?: string[]; conversationId?: string | null; statuses?: string[]; background?: boolean; stopReason?: string | null }, page: PageRequest): Promise<Run[]> {
    let query = this.db.selectFrom('runs').selectAll('runs');
    if (filter.agentIds?.length) query = query.where('runs.agent_id', 'in', filter.agentIds);
    if (filter.conversationId) query = query.where('runs.conversation_id', '=', filter.conversationId);
    if (filter.statuses?.length) query = query.where('runs.status', 'in', filter.statuses);
    if (filter.background !== undefined) query = query.where('runs.background', '=', flag(filter.background));
    if (filter.stopReason) query = query.where('runs.stop_reason', '=', filter.stopReason);
    return (await paginate(this.db, 'runs', query, page)).map(toRun);
  }

  /** Fails unfinished runs (their process is gone), or only those not updated since `staleBefore`. */
  async failUnfinished(staleBefore?: string): Promise<number> {
    const at = now();
    let query = this.db
      .updateTable('runs')
      .set({ status: 'failed', stop_reason: 'error', updated_at: at, completed_at: at })
      .where('status', 'in', ['created', 'running']);
    if (staleBefore) query = query.where('updated_at', '<', staleBefore);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Marks the owner's unfinished runs alive. */
  async beat(owner: string): Promise<void> {
    await this.db.updateTable('runs').set({ updated_at: now() }).where('owner', '=', owner).where('status', 'in', ['created', 'running']).execute();
  }

  /** Marks an agent's unfinished runs (or those of `ids`) cancelled; returns their ids. */
  async cancelRunning(agentId: string, ids?: string[]): Promise<string[]> {
    let query = this.db
      .updateTable('runs')
      .set({ status: 'cancelled', stop_reason: 'cancelled', updated_at: now() })
      .where('agent_id', '=', agentId)
      .where('status', 'in', ['created', 'running']);
    if (ids?.length) query = query.where('id', 'in', ids);
    const rows = await query.returning('id').execute();
    return rows.map((row) => row.id);
  }

  /** Deletes a finished run with its steps and stream events; its messages stay in the history. */
  async deleteFinished(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('runs').where('id', '=', id).where('status', 'not in', ['created', 'running']).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Deletes a run that never started (it was refused a place in the queue). */
  async deleteUnstarted(id: string): Promise<void> {
    await this.db.deleteFrom('runs').where('id', '=', id).execute();
  }

  async status(id: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('runs').select('status').where('id', '=', id).executeTakeFirst();
    return row?.status;
  }
}
