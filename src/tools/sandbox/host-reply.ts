import type { SandboxResult } from './sandbox-job.js';

/**
 * What a host (the Python zygote or the Node host) answers for one job, one JSON line each.
 * `result` is the return value as text for `returned`, "Type: message" for `raised`, and a
 * description of what went wrong for `crashed` and `not-started`.
 */
export interface HostReply {
  id: string;
  outcome: 'returned' | 'raised' | 'timed-out' | 'crashed' | 'not-started';
  result: string;
  stdout: string;
  stderr: string;
}

export function crashed(id: string, detail: string): HostReply {
  return { id, outcome: 'crashed', result: detail, stdout: '', stderr: '' };
}

export function notStarted(id: string, message: string): HostReply {
  return { id, outcome: 'not-started', result: message, stdout: '', stderr: '' };
}

/** Writes the message the model sees for each outcome; all wording lives here. */
export function toSandboxResult(reply: HostReply, functionName: string, timeoutMs: number, durationMs: number): SandboxResult {
  const lines = { stdout: reply.stdout ? [reply.stdout] : [], stderr: reply.stderr ? [reply.stderr] : [], durationMs };
  switch (reply.outcome) {
    case 'returned':
      return { ok: true, result: reply.result, ...lines };
    case 'raised':
    case 'not-started':
      return { ok: false, result: reply.result, ...lines };
    case 'timed-out':
      return { ok: false, result: `TimeoutError: ${functionName} timed out after ${timeoutMs / 1000} seconds`, ...lines };
    case 'crashed':
      return { ok: false, result: `${functionName} stopped without returning a result (${reply.result})`, ...lines };
  }
}
