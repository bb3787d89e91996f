import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { crashed, type HostReply } from './host-reply.js';
import type { SandboxUser } from './sandbox-user.js';

export interface HostCommand {
  /** Names the host in messages: "Python", "Node". */
  label: string;
  executable: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  user: SandboxUser | null;
}

const STDERR_TAIL_CHARS = 2_000;
const CLOSE_GRACE_MS = 2_000;
/** The host enforces each job's timeout itself; silence this long past it means the host is stuck. */
const ANSWER_GRACE_MS = 10_000;

/**
 * A long-lived runner process speaking JSON lines: jobs on its stdin, `{"ready": true}` once and
 * then one reply per job (matched by id) on its stdout. It starts on first use; when it dies, the
 * jobs in flight fail and the next job starts a new one.
 */
export class HostProcess {
  private child: ChildProcessWithoutNullStreams | null = null;
  private ready: Promise<void> = Promise.resolve();
  private readonly pending = new Map<string, (reply: HostReply) => void>();
  private closed = false;

  constructor(private readonly command: HostCommand) {}

  /** Whether jobs are running in it. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** Resolves once the host says it is ready; rejects when it cannot start. */
  start(): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`the ${this.command.label} sandbox host is closed`));
    if (!this.child) this.launch();
    return this.ready;
  }

  request<Message extends { id: string }>(message: Message, timeoutMs: number): Promise<HostReply> {
    this.start().catch(() => undefined); // a failed start reaches the job through its pending entry
    const child = this.child;
    if (!child) return Promise.resolve(crashed(message.id, `the ${this.command.label} sandbox host is not running`));
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs + ANSWER_GRACE_MS);
      this.pending.set(message.id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      child.stdin.write(`${JSON.stringify(message)}\n`);
    });
  }

  /** Ends the host's input, which makes it kill its jobs and exit; kills it if it lingers. */
  async close(): Promise<void> {
    this.closed = true;
    const child = this.child;
    if (!child) return;
    const closed = new Promise((resolve) => child.once('close', resolve));
    const timer = setTimeout(() => child.kill('SIGKILL'), CLOSE_GRACE_MS);
    child.stdin.end();
    await closed;
    clearTimeout(timer);
  }

  private launch(): void {
    const { label, executable, args, cwd, env, user } = this.command;
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(executable, args, { cwd, env, stdio: 'pipe', ...(user ?? {}) });
    } catch (error) {
      this.ready = Promise.reject(new Error(`the ${label} sandbox host could not start (${String(error)})`));
      return;
    }
    this.child = child;
    let markReady: () => void = () => undefined;
    let failReady: (error: Error) => void = () => undefined;
    this.ready = new Promise((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    this.ready.catch(() => undefined);

    let stderrTail = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    child.stdin.on('error', () => undefined); // writing to a dead host: 'close' reports it
    createInterface({ input: child.stdout }).on('line', (line) => {
      const message = parseLine(line);
      if (message && 'ready' in message) markReady();
      else if (message) this.settle(message);
    });

    const gone = (why: string) => {
      if (this.child !== child) return;
      this.child = null;
      const reason = `the ${label} sandbox host ${why}${stderrTail.trim() ? `: ${stderrTail.trim()}` : ''}`;
      failReady(new Error(reason));
      for (const [id, settle] of this.pending) settle(crashed(id, reason));
      this.pending.clear();
    };
    child.on('error', (error) => gone(`failed (${error.message})`));
    // 'close' rather than 'exit': replies already written are read before the jobs left are failed.
    child.on('close', (code, signal) => gone(signal ? `exited (signal ${signal})` : `exited (status ${code})`));
  }

  private settle(reply: HostReply): void {
    const settle = this.pending.get(reply.id);
    if (!settle) return;
    this.pending.delete(reply.id);
    settle(reply);
  }
}

function parseLine(line: string): HostReply | { ready: true } | null {
  try {
    return JSON.parse(line) as HostReply | { ready: true };
  } catch {
    return null;
  }
}
