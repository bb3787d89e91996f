import { ConflictError } from '../errors.js';

interface Queue {
  tail: Promise<void>;
  waiting: number;
  activeRunId: string | null;
}

/**
 * Serialises the runs of one conversation inside this process, in arrival order. Past `maxWaiting`
 * queued requests, a new one is refused with a 409 naming the active run.
 */
export class AgentLocks {
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly maxWaiting = 16) {}

  /** Throws the 409 `run` would throw, so a streaming caller can refuse before its stream starts. */
  assertRoom(key: string): void {
    const queue = this.queues.get(key);
    if (queue && queue.waiting >= this.maxWaiting) {
      throw new ConflictError(
        `The conversation is busy with run ${queue.activeRunId ?? '(starting)'} and ${queue.waiting - 1} more waiting; retry later`,
        'CONVERSATION_BUSY',
        { active_run_id: queue.activeRunId },
      );
    }
  }

  async run<T>(key: string, runId: string, work: () => Promise<T>): Promise<T> {
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { tail: Promise.resolve(), waiting: 0, activeRunId: null };
      this.queues.set(key, queue);
    }
    this.assertRoom(key);
    const current = queue;
    current.waiting += 1;
    const previous = current.tail;
    let release!: () => void;
    current.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    current.activeRunId = runId;
    try {
      return await work();
    } finally {
      current.activeRunId = null;
      current.waiting -= 1;
      release();
      if (current.waiting === 0 && this.queues.get(key) === current) this.queues.delete(key);
    }
  }
}
