import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createAppContext, type AppContext } from '../src/app-context.js';
import type { Config, StoreConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';

export type BenchDialect = 'sqlite' | 'postgres';

const ADMIN_URI = process.env.MNEMO_BENCH_PG_URI ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchServer {
  url: string;
  context: AppContext;
  close(): Promise<void>;
}

async function freshStore(dialect: BenchDialect): Promise<{ config: StoreConfig; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'mnemo-bench-'));
    return { config: { dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `mnemo_bench_${Date.now()}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: ADMIN_URI });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const uri = new URL(ADMIN_URI);
  uri.pathname = `/${name}`;
  return { config: { dataDir: tmpdir(), pgUri: uri.toString() }, drop: () => admin(`drop database if exists ${name} with (force)`) };
}

/** The real server on a loopback port over a fresh store. */
export async function startBenchServer(dialect: BenchDialect): Promise<BenchServer> {
  const store = await freshStore(dialect);
  const config: Config = {
    host: '127.0.0.1',
    port: 0,
    store: store.config,
    providers: { openai: { apiKey: 'bench', baseURL: 'http://127.0.0.1:9/v1' } },
    logLevel: 'silent',
  };
  const context = await createAppContext(config);
  const app = await buildApp(context);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    context,
    close: async () => {
      await app.close();
      await context.store.close();
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

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
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
