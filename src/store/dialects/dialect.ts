import type { ColumnDefinitionBuilder, Dialect, Expression, Kysely, SqlBool } from 'kysely';

/**
 * What differs between the embedded SQLite store and Postgres, beyond the SQL Kysely already
 * compiles per dialect. Callers ask for an operation here instead of testing the dialect's name.
 */
export interface StoreDialect {
  readonly name: 'sqlite' | 'postgres';
  /** Whether several server processes may share this store (Postgres) or one owns it (SQLite). */
  readonly sharedByProcesses: boolean;
  /** Builds the Kysely dialect (opening the file or the pool). */
  createKyselyDialect(): Dialect;
  /** The column type and modifiers of a store-wide auto-incrementing integer primary key. */
  readonly autoIncrementType: 'integer' | 'bigint';
  autoIncrementPrimaryKey(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  /** `expression` contains `needle` ignoring case; `needle` is matched literally. */
  containsIgnoringCase(expression: Expression<string | null>, needle: string): Expression<SqlBool>;
  isUniqueViolation(error: unknown): boolean;
  /**
   * Runs `work` while holding a lock on `key` that other server processes sharing this store also
   * respect (a Postgres advisory lock). SQLite is one process's file: the in-process queue suffices.
   */
  withCrossProcessLock<T>(db: Kysely<any>, key: string, work: () => Promise<T>): Promise<T>;
  isForeignKeyViolation(error: unknown): boolean;
  /** Whether an error means the store could not be reached (answered with 503). */
  isUnavailable(error: unknown): boolean;
  /** Frees what the dialect holds beside the Kysely instance (which Kysely's destroy() closes). */
  close(): Promise<void>;
}

/** Escapes LIKE wildcards so user text is matched literally (used with ESCAPE '\'). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
