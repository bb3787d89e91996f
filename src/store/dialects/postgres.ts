import pg from 'pg';
import { PostgresDialect, sql, type ColumnDefinitionBuilder, type Kysely, type Expression, type SqlBool } from 'kysely';
import { escapeLike, type StoreDialect } from './dialect.js';

// int8 (bigint) columns hold sequence numbers well below 2^53: read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', '57P01', '57P03', '53300', '08006', '08001', '08003']);

export class PostgresStoreDialect implements StoreDialect {
  readonly name = 'postgres' as const;
  readonly autoIncrementType = 'bigint' as const;

  constructor(private readonly connectionString: string) {}

  createKyselyDialect(): PostgresDialect {
    const pool = new pg.Pool({ connectionString: this.connectionString, max: 20 });
    // An idle client losing its connection must not crash the server; the next query reconnects.
    pool.on('error', () => undefined);
    return new PostgresDialect({ pool });
  }

  autoIncrementPrimaryKey(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder {
    return column.primaryKey().generatedByDefaultAsIdentity();
  }

  containsIgnoringCase(expression: Expression<string | null>, needle: string): Expression<SqlBool> {
    return sql<SqlBool>`${expression} ilike ${`%${escapeLike(needle)}%`} escape '\\'`;
  }

  async withCrossProcessLock<T>(db: Kysely<any>, key: string, work: () => Promise<T>): Promise<T> {
    // The lock belongs to one session: hold a connection for the whole of `work`.
    return db.connection().execute(async (connection) => {
      await sql`select pg_advisory_lock(hashtextextended(${key}, 0))`.execute(connection);
      try {
        return await work();
      } finally {
        await sql`select pg_advisory_unlock(hashtextextended(${key}, 0))`.execute(connection);
      }
    });
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
