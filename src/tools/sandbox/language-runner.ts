import type { HostProcess } from './host-process.js';
import type { HostReply } from './host-reply.js';
import type { RequirementCache } from './requirement-cache.js';
import type { SandboxJob } from './sandbox-job.js';

export interface RunLimits {
  timeoutMs: number;
  memoryMb: number;
}

/** One language's host and package installs; python-runner.ts and typescript-runner.ts. */
export interface LanguageRunner {
  /** Starts the host ahead of the first job; rejects when it cannot start. */
  warm(): Promise<void>;
  /** Never rejects: a tool's failure, or the host's, is a reply. */
  run(id: string, job: SandboxJob, limits: RunLimits): Promise<HostReply>;
  close(): Promise<void>;
}

/** A language's long-lived host and its requirement installs, made on first use. */
export interface LanguageHost {
  host: HostProcess;
  requirements: RequirementCache;
}

/**
 * What both runners share: set up once (a failed set-up is a message every job reports), start
 * ahead on `warm()`, close the host for good on `close()`.
 */
export abstract class HostedLanguageRunner implements LanguageRunner {
  private setup: Promise<LanguageHost | string> | null = null;
  private closed = false;

  constructor(private readonly language: string) {}

  abstract run(id: string, job: SandboxJob, limits: RunLimits): Promise<HostReply>;

  /** Finds the interpreter and writes the host's script; a string says why it cannot. */
  protected abstract prepare(): Promise<LanguageHost | string>;

  async warm(): Promise<void> {
    const setup = await this.setUp();
    if (typeof setup === 'string') throw new Error(setup);
    await setup.host.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    const setup = await this.setup;
    if (setup && typeof setup !== 'string') await setup.host.close();
  }

  protected setUp(): Promise<LanguageHost | string> {
    if (this.closed) return Promise.resolve('The tool sandbox is closed');
    this.setup ??= this.prepare().catch((error: unknown) => `The ${this.language} sandbox could not be set up: ${errorMessage(error)}`);
    return this.setup;
  }
}

/** The environment each host starts with; the tools' own variables are added per job. */
export function hostEnvironment(home: string): Record<string, string> {
  return { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8', HOME: home };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
