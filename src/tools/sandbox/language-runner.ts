import type { HostReply } from './host-reply.js';
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

/** The environment each host starts with; the tools' own variables are added per job. */
export function hostEnvironment(home: string): Record<string, string> {
  return { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8', HOME: home };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
