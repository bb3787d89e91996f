import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { StoreConfig } from '../../src/config.js';

export type DialectName = 'sqlite' | 'postgres';

/** The stores every e2e suite runs on; MNEMO_TEST_DIALECTS=sqlite narrows it. */
export const DIALECTS: DialectName[] = (process.env.MNEMO_TEST_DIALECTS ?? 'sqlite,postgres')
  .split(',')
  .map((name) => name.trim())
  .filter((name): name is DialectName => name === 'sqlite' || name === 'postgres');

const ADMIN_URI = process.env.MNEMO_TEST_PG_URI ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestStore {
  config: StoreConfig;
  drop(): Promise<void>;
}

/** A fresh, empty store: a new SQLite file, or a new Postgres database. */
export async function createTestStore(dialect: DialectName): Promise<TestStore> {
  if (dialect === 'sqlite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'mnemo-test-'));
    return { config: { dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `mnemo_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URI });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const uri = new URL(ADMIN_URI);
  uri.pathname = `/${name}`;
  return {
    config: { dataDir: tmpdir(), pgUri: uri.toString() },
    drop: async () => {
      const client = new pg.Client({ connectionString: ADMIN_URI });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
