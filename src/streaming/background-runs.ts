import type { ServerResponse } from 'node:http';
import type { StartedRun } from '../services/messages.js';
import { BadRequestError } from '../errors.js';
import type { Store } from '../store/store.js';
import { SseWriter } from './sse.js';
import { pingEvent, produceRunEvents, type RunStreamEvent, type StreamOptions } from './stream-run.js';

/** The stored stream ends with this marker, which is never sent to clients. */
const END_MARKER = '{"message_type":"end_of_stream"}';
const TERMINAL_STATUSES = new Set(['completed', 'failed', 'cancelled']);

/**
 * Starts a run that outlives the request: its events are numbered and stored (in order) so any
 * process can replay them to any client, from any point.
 */
function startBackgroundRun(store: Store, run: StartedRun, options: StreamOptions): void {
  let index = 0;
  let chain = Promise.resolve();
  const append = (payload: string) => {
    const seq = ++index;
    chain = chain.then(() => store.repos.runEvents.append(run.runId, seq, payload)).catch((error: unknown) => options.onUnexpectedError(error));
  };
  void produceRunEvents(run, options, { send: (event: RunStreamEvent) => append(JSON.stringify(event)) })
    .catch((error: unknown) => options.onUnexpectedError(error))
    .finally(() => append(END_MARKER));
}

export interface TailOptions {
  /** Resume after this seq_id (messages and pings carry one). */
  startingAfter: number;
  includePings: boolean;
  pollIntervalMs: number;
  batchSize: number;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Streams a background run's stored events after `startingAfter`, then the live ones as they are stored. */
async function tailRunEvents(response: ServerResponse, store: Store, runId: string, options: TailOptions): Promise<void> {
  const writer = new SseWriter(response, options.includePings ? () => pingEvent(runId, 0) : undefined);
  writer.start();
  let closed = false;
  writer.onClose(() => (closed = true));
  let position = 0;
  let quietPollsAfterEnd = 0;
  while (!closed) {
    const events = await store.repos.runEvents.after(runId, position, options.batchSize);
    for (const event of events) {
      position = event.seqId;
      if (event.payload === END_MARKER) {
        writer.end();
        return;
      }
      const parsed = JSON.parse(event.payload) as RunStreamEvent;
      const seqId = parsed.payload.seq_id;
      if (typeof seqId === 'number' && seqId <= options.startingAfter) continue;
      if (parsed.kind === 'error') writer.sendError(parsed.payload);
      else writer.send(parsed.payload);
    }
    if (events.length) continue;
    // A run whose process died never writes its end marker: stop once it is terminal and quiet.
    const status = await store.repos.runs.status(runId);
    if (status && TERMINAL_STATUSES.has(status) && ++quietPollsAfterEnd > 3) {
      writer.send({ message_type: 'stop_reason', stop_reason: status === 'cancelled' ? 'cancelled' : 'error' });
      writer.end();
      return;
    }
    await delay(options.pollIntervalMs);
  }
}

/** Background runs and resumable streams over the store's run event log. */
export class RunStreams {
  constructor(private readonly store: Store) {}

  startBackground(run: StartedRun, options: StreamOptions): void {
    startBackgroundRun(this.store, run, options);
  }

  /** Streams a run's events; a run that was not started in the background has none to resume (400). */
  async resume(response: ServerResponse, runId: string, options: TailOptions): Promise<void> {
    await tailRunEvents(response, this.store, runId, options);
  }

  async assertResumable(runId: string): Promise<void> {
    const run = await this.store.repos.runs.get(runId);
    if (!run.background) throw new BadRequestError(`Run ${runId} was not started with background: true, so its stream cannot be resumed`);
  }
}
