import type { StoreDialect } from '../dialects/dialect.js';
import { now } from '../json.js';
import type { Executor } from '../store.js';

export interface RunEvent {
  seqId: number;
  payload: string;
}

/** The events a background run streamed, so any process can replay them to a client. */
export class RunEventRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: StoreDialect,
  ) {}

  async append(runId: string, seqId: number, payload: string): Promise<void> {
    await this.db.insertInto('run_events').values({ run_id: runId, seq_id: seqId, payload, created_at: now() }).execute();
  }

  async after(runId: string, afterSeqId: number, limit: number): Promise<RunEvent[]> {
    const rows = await this.db
      .selectFrom('run_events')
      .select(['seq_id', 'payload'])
      .where('run_id', '=', runId)
      .where('seq_id', '>', afterSeqId)
      .orderBy('seq_id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ seqId: row.seq_id, payload: row.payload }));
  }
}
