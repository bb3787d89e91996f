import pg from 'pg';
import { PostgresDialect, sql, type ColumnDefinitionBuilder, type Kysely, type Expression, type SqlBool } from 'kysely';
import { escapeLike, type StoreDialect } from './dialect.js';

// int8 (bigint) columns hold sequence numbers well below 2^53: read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

const LOCK_CONNECTIONS = 32;

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', '57P01', '57P03', '53300', '08006', '08001', '08003']);

export class PostgresStoreDialect implements StoreDialect {
  readonly name = 'postgres' as const;
  readonly sharedByProcesses = true;
  readonly autoIncrementType = 'bigint' as const;

  /**
   * Advisory locks live on their own connections: a run holds one for its whole duration, and if
   * those came from the query pool, enough concurrent runs would hold every connection and wait
   * forever for one to run their queries on. Past LOCK_CONNECTIONS runs, new ones wait their turn.
   */
  private lockPool?: pg.Pool;

  constructor(private readonly connectionString: string) {}

  createKyselyDialect(): PostgresDialect {
    const pool = new pg.Pool({ connectionString: this.connectionString, max: 10 });
    this.lockPool = new pg.Pool({ connectionString: this.connectionString, max: LOCK_CONNECTIONS });
    // An idle client losing its connection must not crash the server; the next query reconnects.
    pool.on('error', () => undefined);
    this.lockPool.on('error', () => undefined);
    return new PostgresDialect({ pool });
  }

  async close(): Promise<void> {
    await this.lockPool?.end();
  }

  autoIncrementPrimaryKey(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder {
    return column.primaryKey().generatedByDefaultAsIdentity();
  }

  containsIgnoringCase(expression: Expression<string | null>, needle: string): Expression<SqlBool> {
    return sql<SqlBool>`${expression} ilike ${`%${escapeLike(needle)}%`} escape '\\'`;
  }

  async withCrossProcessLock<T>(_db: Kysely<any>, key: string, work: () => Promise<T>): Promise<T> {
    // The lock belongs to one session: hold its connection for the whole of `work`.
    const connection = await this.lockPool!.connect();
    let broken = false;
    try {
      await connection.query('select pg_advisory_lock(hashtextextended($1, 0))', [key]);
      try {
        return await work();
      } finally {
        await connection.query('select pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch(() => (broken = true));
      }
    } finally {
      // A connection whose unlock failed may still hold the lock: close it, which releases it.
      connection.release(broken);
    }
  }

  isUniqueViolation(error: unknown): boolean {
    return (error as { code?: string } | null)?.code === '23505';
  }

  isForeignKeyViolation(error: unknown): boolean {
    return (error as { code?: string } | null)?.code === '23503';
  }

  isUnavailable(error: unknown): boolean {
    return UNAVAILABLE_CODES.has((error as { code?: string } | null)?.code ?? '');
  }
}
