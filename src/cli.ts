#!/usr/bin/env node
import { createAppContext } from './app-context.js';
import { configFromEnv, isLoopbackHost } from './config.js';
import { buildApp } from './http/app.js';
import { openStore } from './store/store.js';

const USAGE = `Usage: mnemo <command>

Commands:
  serve     start the API server (default)
  migrate   apply database migrations and exit

Environment: PORT (8283), HOST (127.0.0.1), MNEMO_DATA_DIR (~/.mnemo), MNEMO_PG_URI or LETTA_PG_URI
(use Postgres), MNEMO_PASSWORD or LETTA_SERVER_PASSWORD (require a bearer token), OPENAI_API_KEY,
OPENAI_BASE_URL, ANTHROPIC_API_KEY, GEMINI_API_KEY, OLLAMA_BASE_URL, MNEMO_LOG_LEVEL (info).`;

async function serve(): Promise<void> {
  const config = configFromEnv();
  const context = await createAppContext(config);
  const app = await buildApp(context, { logger: { level: config.logLevel } });
  app.addHook('onClose', async () => context.close());
  if (!config.password && !isLoopbackHost(config.host)) {
    const line = '!'.repeat(78);
    console.warn(
      `\n${line}\n!! WARNING: Mnemo is listening on ${config.host} WITHOUT a password.\n!! Anyone who can reach this address can read and change every agent.\n!! Set MNEMO_PASSWORD to require "Authorization: Bearer <password>".\n${line}\n`,
    );
  }
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    // close() stops accepting connections, waits for in-flight requests, then runs onClose (the store).
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  await app.listen({ host: config.host, port: config.port });
}

async function migrate(): Promise<void> {
  const store = openStore(configFromEnv().store);
  try {
    const applied = await store.migrate();
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'the store is up to date');
  } finally {
    await store.close();
  }
}

const command = process.argv[2] ?? 'serve';
const commands: Record<string, () => Promise<void>> = { serve, migrate };
const run = commands[command];
if (!run) {
  console.error(command === '--help' || command === 'help' ? USAGE : `Unknown command "${command}".\n\n${USAGE}`);
  process.exit(command === '--help' || command === 'help' ? 0 : 2);
}
run().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
