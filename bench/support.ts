import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';

export type BenchDialect = 'sqlite' | 'postgres';

const ADMIN_URI = process.env.MNEMO_BENCH_PG_URI ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROOT = new URL('..', import.meta.url).pathname;

export interface BenchServer {
  url: string;
  /** The server process's id (for /proc figures such as its resident memory). */
  pid: number;
  /** Server-side handling time (ms) of each request by route, from the server's own request log. */
  serverTimes: Map<string, number[]>;
  /** The server-side time of the route's next request not yet taken, once its log line is in. */
  nextTime(route: string): Promise<number>;
  close(): Promise<void>;
}

async function adminQuery(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URI });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function freshStoreEnv(dialect: BenchDialect): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'mnemo-bench-'));
    return { env: { MNEMO_DATA_DIR: dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `mnemo_bench_${Date.now()}`;
  await adminQuery(`create database ${name}`);
  const uri = new URL(ADMIN_URI);
  uri.pathname = `/${name}`;
  return { env: { MNEMO_PG_URI: uri.toString() }, drop: () => adminQuery(`drop database if exists ${name} with (force)`) };
}

/**
 * Starts the built server (`node dist/cli.js serve`, run `npm run build` first) in its own process,
 * as a user would, over a fresh store; its request log gives the server-side time of each request.
 */
export async function startBenchServer(dialect: BenchDialect, env: Record<string, string> = {}): Promise<BenchServer> {
  const store = await freshStoreEnv(dialect);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child: ChildProcess = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), join(ROOT, 'dist/cli.js'), 'serve'], {
    env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), PORT: String(port), HOST: '127.0.0.1', MNEMO_LOG_LEVEL: 'info', OPENAI_API_KEY: 'bench', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', ...store.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const serverTimes = new Map<string, number[]>();
  const taken = new Map<string, number>();
  const waiters = new Map<string, (() => void)[]>();
  const routes = new Map<string, string>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let entry: { level?: number; msg?: string; reqId?: string; req?: { method: string; url: string }; responseTime?: number };
    try {
      entry = JSON.parse(line);
    } catch {
      return;
    }
    if ((entry.level ?? 0) >= 50) console.error(`[server] ${line}`);
    if (entry.msg === 'incoming request' && entry.req) routes.set(entry.reqId!, `${entry.req.method} ${entry.req.url.split('?')[0]!.replace(/\/(agent|block|tool)-[0-9a-f-]{36}/g, '/:$1_id').replace(/\/$/, '')}`);
    if (entry.msg === 'request completed' && entry.responseTime !== undefined) {
      const route = routes.get(entry.reqId!) ?? 'unknown';
      routes.delete(entry.reqId!);
      const times = serverTimes.get(route) ?? [];
      times.push(entry.responseTime);
      serverTimes.set(route, times);
      waiters.get(route)?.shift()?.();
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  // Ready once /v1/health answers (the request log may be turned off).
  const healthy = (async () => {
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/v1/health`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  await Promise.race([healthy, exited.then((code) => Promise.reject(new Error(`the server exited with ${code}`)))]);
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    serverTimes,
    nextTime: async (route) => {
      const index = taken.get(route) ?? 0;
      taken.set(route, index + 1);
      while ((serverTimes.get(route)?.length ?? 0) <= index) {
        await new Promise<void>((resolve) => waiters.set(route, [...(waiters.get(route) ?? []), resolve]));
      }
      return serverTimes.get(route)![index]!;
    },
    close: async () => {
      child.kill('SIGTERM');
      await exited;
      await store.drop();
    },
  };
}

export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: ADMIN_URI, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/** Runs the bench on each store in DIALECTS (default `sqlite,postgres`), skipping an unreachable Postgres. */
export async function forEachDialect(run: (dialect: BenchDialect) => Promise<void>): Promise<void> {
  const wanted = (process.env.DIALECTS ?? 'sqlite,postgres').split(',').map((name) => name.trim());
  for (const dialect of wanted.filter((name): name is BenchDialect => name === 'sqlite' || name === 'postgres')) {
    if (dialect === 'postgres' && !(await postgresReachable())) {
      console.log('[postgres] skipped: no server at 127.0.0.1:5432');
      continue;
    }
    await run(dialect);
  }
}

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export function summary(label: string, samples: number[]): string {
  return `${label.padEnd(34)} n=${String(samples.length).padStart(5)}  p50=${percentile(samples, 50).toFixed(2)} ms  p99=${percentile(samples, 99).toFixed(2)} ms`;
}

/** Runs `work(i)` for i in [0, count) with at most `concurrency` in flight. */
export async function inParallel(count: number, concurrency: number, work: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
}
