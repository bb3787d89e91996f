import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.js';

/** This process, as the owner of the runs it executes. */
export const INSTANCE_ID = `mnemo-${randomUUID()}`;

const HEARTBEAT_MS = 10_000;
/** A run whose owner has not beaten for this long belongs to a dead process. */
const STALE_AFTER_MS = 60_000;

const INTERRUPTED_FILE = 'processing was interrupted (the server stopped); upload the file again';

/**
 * Keeps this process's unfinished runs and file processing marked alive, and fails those whose
 * process died: on the embedded store (one process) everything unfinished at start-up; on a shared
 * store what belongs to an owner that stopped beating.
 */
export class RunSupervisor {
  private timer?: NodeJS.Timeout;

  constructor(private readonly store: Store) {}

  async start(): Promise<void> {
    if (!this.store.dialect.sharedByProcesses) {
      await this.store.repos.runs.failUnfinished();
      await this.store.repos.files.failAbandoned(INTERRUPTED_FILE);
      return;
    }
    await this.tick();
    this.timer = setInterval(() => void this.tick().catch(() => undefined), HEARTBEAT_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    const staleBefore = new Date(Date.now() - STALE_AFTER_MS).toISOString();
    await this.store.repos.runs.beat(INSTANCE_ID);
    await this.store.repos.runs.failUnfinished(staleBefore);
    await this.store.repos.files.beat(INSTANCE_ID);
    await this.store.repos.files.failAbandoned(INTERRUPTED_FILE, staleBefore);
  }
}
