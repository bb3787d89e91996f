import { join } from 'node:path';
import { Kysely, Migrator, sql, type Transaction } from 'kysely';
import type { StoreConfig } from '../config.js';
import { StoreUnavailableError } from '../errors.js';
import type { StoreDialect } from './dialects/dialect.js';
import { PostgresStoreDialect } from './dialects/postgres.js';
import { SqliteStoreDialect } from './dialects/sqlite.js';
import { MnemoMigrationProvider } from './migrations/index.js';
import { createRepositories, type Repositories } from './repositories/index.js';
import type { Database } from './tables.js';

export type Executor = Kysely<Database> | Transaction<Database>;

/** The database: its dialect, the Kysely instance, and repositories bound to it or a transaction. */
export class Store {
  readonly repos: Repositories;

  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: StoreDialect,
  ) {
    this.repos = createRepositories(db, dialect);
  }

  /** Runs `work` in one transaction: everything it writes commits together or not at all. */
  async transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(createRepositories(trx, this.dialect)));
  }

  async migrate(): Promise<string[]> {
    const migrator = new Migrator({ db: this.db, provider: new MnemoMigrationProvider(this.dialect) });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      if (this.dialect.isUnavailable(error)) throw new StoreUnavailableError(error);
      throw error;
    }
    return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
  }

  /** Answers once the store can be queried. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
    await this.dialect.close();
  }
}

export function storeDialectFor(config: StoreConfig): StoreDialect {
  return config.pgUri ? new PostgresStoreDialect(config.pgUri) : new SqliteStoreDialect(join(config.dataDir, 'mnemo.db'));
}

export function openStore(config: StoreConfig): Store {
  const dialect = storeDialectFor(config);
  return new Store(new Kysely<Database>({ dialect: dialect.createKyselyDialect() }), dialect);
}
