import type { Kysely, Migration, MigrationProvider } from 'kysely';
import type { StoreDialect } from '../dialects/dialect.js';
import * as initial from './0001_initial.js';
import * as archival from './0002_archival.js';
import * as schedules from './0003_schedules.js';
import * as folders from './0004_folders.js';

interface DialectMigration {
  up(db: Kysely<any>, dialect: StoreDialect): Promise<void>;
}

/** Append-only, in order. The key is the migration's recorded name. */
const MIGRATIONS: Record<string, DialectMigration> = {
  '0001_initial': initial,
  '0002_archival': archival,
  '0003_schedules': schedules,
  '0004_folders': folders,
};

export class MnemoMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: StoreDialect) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(
      Object.entries(MIGRATIONS).map(([name, migration]) => [name, { up: (db: Kysely<any>) => migration.up(db, this.dialect) }]),
    );
  }
}
