import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Letta from '@letta-ai/letta-client';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/store.js';
import { createTestStore, DIALECTS } from '../support/dialects.js';
import { reply, startFakeModelServer } from '../support/fake-model/index.js';

const CLI = join(import.meta.dirname, '../../src/cli.ts');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `mnemo serve` as a user starts it, in its own process; resolves once it listens. */
async function serve(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve'], {
    env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), MNEMO_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  // Generous: under tsx on a busy 2-core machine two servers compiling at once take a while.
  const deadline = Date.now() + 45_000;
  while (!output.includes('Server listening')) {
    if (child.exitCode !== null) throw new Error(`mnemo exited early:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`mnemo did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, output: () => output, exited };
}

describe('mnemo serve', { timeout: 120_000 }, () => {
  it('serves the embedded store, warns on a non-loopback address without a password, and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mnemo-cli-'));
    const port = await freePort();
    const running = await serve({ MNEMO_DATA_DIR: dataDir, PORT: String(port), HOST: '0.0.0.0' });
    expect(running.output()).toContain('WARNING: Mnemo is listening on 0.0.0.0 WITHOUT a password');
    const client = new Letta({ baseURL: `http://127.0.0.1:${port}`, apiKey: 'none', maxRetries: 0 });
    expect(await client.health()).toMatchObject({ status: 'ok' });
    await client.blocks.create({ label: 'human', value: 'kept' });
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(running.output()).toContain('shutting down');
    // A clean close checkpoints the write-ahead log into the database file.
    expect(existsSync(join(dataDir, 'mnemo.db'))).toBe(true);
    expect(existsSync(join(dataDir, 'mnemo.db-wal'))).toBe(false);

    const again = await serve({ MNEMO_DATA_DIR: dataDir, PORT: String(port) });
    expect(again.output()).not.toContain('WARNING');
    const blocks = await client.blocks.list();
    expect(blocks.items.map((block) => block.value)).toEqual(['kept']);
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
  });

  it('fails the runs a previous process left unfinished when it starts again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mnemo-cli-'));
    const port = await freePort();
    const first = await serve({ MNEMO_DATA_DIR: dataDir, PORT: String(port), OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' });
    const client = new Letta({ baseURL: `http://127.0.0.1:${port}`, apiKey: 'none', maxRetries: 0 });
    const agent = await client.agents.create({ model: 'openai/gpt-4o-mini' });
    // A run still "running" when its process is killed outright.
    const store = openStore({ dataDir });
    const conversationId = await store.repos.agents.defaultConversationId(agent.id);
    const stuck = await store.repos.runs.create({ agentId: agent.id, conversationId, background: false, requestConfig: {}, owner: 'dead-process' });
    await store.close();
    first.child.kill('SIGKILL');
    await first.exited;
    const second = await serve({ MNEMO_DATA_DIR: dataDir, PORT: String(port) });
    expect(await client.runs.retrieve(stuck.id)).toMatchObject({ status: 'failed', stop_reason: 'error' });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it.runIf(DIALECTS.includes('postgres'))('serialises sends to one agent across two processes on one Postgres', async () => {
    const store = await createTestStore('postgres');
    const fake = await startFakeModelServer();
    try {
      const ports = [await freePort(), await freePort()];
      const env = (port: number) => ({ MNEMO_PG_URI: store.config.pgUri!, PORT: String(port), OPENAI_API_KEY: 'k', OPENAI_BASE_URL: fake.baseURL });
      const servers = [await serve(env(ports[0]!)), await serve(env(ports[1]!))];
      const [a, b] = ports.map((port) => new Letta({ baseURL: `http://127.0.0.1:${port}`, apiKey: 'none', maxRetries: 0 }));
      const model = fake.script([reply.stall(400, reply.text('first answer')), reply.text('second answer')]);
      const agent = await a!.agents.create({ model: model.handle });
      await Promise.all([
        a!.agents.messages.create(agent.id, { input: 'first question' }),
        new Promise((resolve) => setTimeout(resolve, 100)).then(() => b!.agents.messages.create(agent.id, { input: 'second question' })),
      ]);
      const history = await b!.agents.messages.list(agent.id, { order: 'asc' });
      expect(history.items.filter((message) => message.message_type !== 'system_message').map((message: any) => message.content)).toEqual([
        'first question',
        'first answer',
        'second question',
        'second answer',
      ]);
      for (const server of servers) server.child.kill('SIGTERM');
      await Promise.all(servers.map((server) => server.exited));
    } finally {
      await fake.close();
      await store.drop();
    }
  });

  it.runIf(DIALECTS.includes('postgres'))('lets two processes start on one fresh Postgres database at once', async () => {
    const store = await createTestStore('postgres');
    try {
      const ports = [await freePort(), await freePort()];
      const servers = await Promise.all(ports.map((port) => serve({ MNEMO_PG_URI: store.config.pgUri!, PORT: String(port), MNEMO_PASSWORD: 'pw' })));
      const clients = ports.map((port) => new Letta({ baseURL: `http://127.0.0.1:${port}`, apiKey: 'pw', maxRetries: 0 }));
      const block = await clients[0]!.blocks.create({ label: 'shared', value: 'one store' });
      expect((await clients[1]!.blocks.retrieve(block.id)).value).toBe('one store');
      const builtins = await clients[1]!.tools.list({ name: 'send_message' });
      expect(builtins.items).toHaveLength(1);
      for (const server of servers) server.child.kill('SIGTERM');
      expect(await Promise.all(servers.map((server) => server.exited))).toEqual([0, 0]);
    } finally {
      await store.drop();
    }
  });
});
