import { type HostReply, notStarted, toSandboxResult } from './host-reply.js';
import { errorMessage, type LanguageRunner } from './language-runner.js';
import { PythonRunner } from './python-runner.js';
import type { SandboxJob, SandboxResult } from './sandbox-job.js';
import { SandboxRoot } from './sandbox-root.js';
import { sandboxUserFor } from './sandbox-user.js';
import { TypeScriptRunner } from './typescript-runner.js';

export interface SandboxOptions {
  /** Where installed npm and pip requirements are kept across restarts. */
  cacheDir: string;
  defaultTimeoutMs?: number;
  defaultMemoryMb?: number;
  /** Default: the first usable of /usr/bin/python3, /usr/local/bin/python3. */
  python?: string;
  /** Default: the server's own node if the sandbox user can run it, else /usr/bin/node. */
  node?: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MEMORY_MB = 512;
/** Keeps timers within what setTimeout can hold. */
const MAX_TIMEOUT_MS = 3_600_000;

export class SandboxClosedError extends Error {
  constructor() {
    super('The tool sandbox is closed');
  }
}

interface Runners {
  root: SandboxRoot;
  python: LanguageRunner;
  typescript: LanguageRunner;
}

/**
 * Runs user tools out of process: Python in children forked from one zygote, TypeScript in worker
 * threads of one Node host. Both hosts run as `nobody` when the server is root, with a clean
 * environment, in the sandbox's own temporary directory, and start on first use.
 */
export class ToolSandbox {
  /** `same-user` when the server is not root: tools then run as the server's user and can read its files. */
  readonly isolation: 'separate-user' | 'same-user';
  private readonly user = sandboxUserFor();
  private runners: Promise<Runners> | null = null;
  private closed = false;
  private jobCount = 0;

  constructor(private readonly options: SandboxOptions) {
    this.isolation = this.user ? 'separate-user' : 'same-user';
    if (!this.user) {
      process.emitWarning('The server is not root, so user tools run as its own user and can read its files', {
        code: 'MNEMO_SANDBOX_SAME_USER',
      });
    }
  }

  /** Never rejects for a tool's fault (those are `ok: false` results); rejects only once closed. */
  async run(job: SandboxJob): Promise<SandboxResult> {
    if (this.closed) throw new SandboxClosedError();
    const started = performance.now();
    const timeoutMs = Math.min(job.timeoutMs ?? this.options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS);
    const memoryMb = Math.ceil(job.memoryMb ?? this.options.defaultMemoryMb ?? DEFAULT_MEMORY_MB);
    const id = String(++this.jobCount);
    let reply: HostReply;
    try {
      const runners = await this.setUp();
      const runner = job.sourceType === 'python' ? runners.python : job.sourceType === 'typescript' ? runners.typescript : null;
      reply = runner
        ? await runner.run(id, job, { timeoutMs, memoryMb })
        : notStarted(id, `Tools with source type "${String(job.sourceType)}" cannot be run`);
    } catch (error) {
      reply = notStarted(id, `The tool sandbox failed: ${errorMessage(error)}`);
    }
    return toSandboxResult(reply, job.functionName, timeoutMs, performance.now() - started);
  }

  /** Starts the hosts ahead of the first call. A host that cannot start is reported by its jobs. */
  async warm(): Promise<void> {
    const runners = await this.setUp();
    await Promise.allSettled([runners.python.warm(), runners.typescript.warm()]);
  }

  /** Kills both hosts (and the tools running in them) and removes the sandbox's directory. */
  async close(): Promise<void> {
    this.closed = true;
    const runners = await this.runners?.catch(() => null);
    if (!runners) return;
    await Promise.all([runners.python.close(), runners.typescript.close()]);
    await runners.root.remove();
  }

  private setUp(): Promise<Runners> {
    if (this.closed && !this.runners) return Promise.reject(new SandboxClosedError());
    this.runners ??= this.createRunners().catch((error: unknown) => {
      this.runners = null;
      throw error;
    });
    return this.runners;
  }

  private async createRunners(): Promise<Runners> {
    const root = await SandboxRoot.create(this.user);
    const { cacheDir, python, node } = this.options;
    return {
      root,
      python: new PythonRunner(root, this.user, { cacheDir, python }),
      typescript: new TypeScriptRunner(root, this.user, {
        cacheDir,
        node,
        defaultMemoryMb: this.options.defaultMemoryMb ?? DEFAULT_MEMORY_MB,
      }),
    };
  }
}
