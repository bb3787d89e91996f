import { spawn } from 'node:child_process';

export interface CommandOutput {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion as the server user; a command that cannot start rejects. */
export function runCommand(executable: string, args: string[], timeoutMs: number): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(executable, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The last non-empty line of a failed command's output: usually the reason. */
export function lastLine(output: CommandOutput): string {
  const lines = `${output.stdout}\n${output.stderr}`.split('\n').map((line) => line.trim()).filter(Boolean);
  return lines.at(-1) ?? (output.signal ? `stopped by ${output.signal}` : `exit status ${output.code}`);
}
