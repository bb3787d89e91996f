import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Letta from '@letta-ai/letta-client';
import type { FastifyInstance } from 'fastify';
import { createAppContext, type AppContext } from '../../src/app-context.js';
import type { Config, ProviderSettings } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import { createTestStore, type DialectName, type TestStore } from './dialects.js';
import { startFakeModelServer, type FakeModelServer } from './fake-model/index.js';

export interface TestServer {
  url: string;
  client: Letta;
  context: AppContext;
  /** A client with other credentials, e.g. to check auth. */
  clientWith(apiKey: string | null): Letta;
  close(): Promise<void>;
}

export interface TestServerOptions {
  password?: string;
  toolTimeoutMs?: number;
  maxUploadBytes?: number;
  providers?: ProviderSettings;
}

/** Starts the real server on a free loopback port over a fresh store of the given dialect. */
export async function startTestServer(dialect: DialectName, options: TestServerOptions = {}): Promise<TestServer> {
  const store: TestStore = await createTestStore(dialect);
  const config: Config = {
    host: '127.0.0.1',
    port: 0,
    password: options.password,
    store: store.config,
    providers: options.providers ?? { openai: { apiKey: 'test-key', baseURL: 'http://127.0.0.1:9/v1' } },
    // Installed tool requirements are shared by every test server, so each set installs once.
    sandbox: { cacheDir: join(tmpdir(), 'mnemo-test-tool-cache'), timeoutMs: options.toolTimeoutMs ?? 10_000, memoryMb: 256 },
    schedulePollMs: 100,
    maxUploadBytes: options.maxUploadBytes ?? 50 * 1024 * 1024,
    logLevel: 'silent',
  };
  const context = await createAppContext(config);
  let app: FastifyInstance | undefined;
  try {
    app = await buildApp(context);
    await app.listen({ host: config.host, port: 0 });
  } catch (error) {
    await context.close();
    await store.drop();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  const clientWith = (apiKey: string | null) => new Letta({ baseURL: url, apiKey, maxRetries: 0, timeout: 30_000 });
  return {
    url,
    context,
    client: clientWith(options.password ?? 'no-password'),
    clientWith,
    close: async () => {
      await app!.close();
      await context.close();
      await store.drop();
    },
  };
}

/** The server with its OpenAI and Anthropic providers pointed at a fresh scripted fake model. */
export async function startTestServerWithFakeModel(
  dialect: DialectName,
  options: Omit<TestServerOptions, 'providers'> = {},
): Promise<{ server: TestServer; fake: FakeModelServer; close(): Promise<void> }> {
  const fake = await startFakeModelServer();
  const server = await startTestServer(dialect, {
    ...options,
    providers: { openai: { apiKey: 'test', baseURL: fake.baseURL }, anthropic: { apiKey: 'test', baseURL: fake.baseURL }, google: { apiKey: 'test', baseURL: fake.baseURL } },
  });
  return {
    server,
    fake,
    close: async () => {
      await server.close();
      await fake.close();
    },
  };
}
