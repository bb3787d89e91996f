import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { SqliteDialect, sql, type ColumnDefinitionBuilder, type Kysely, type Expression, type SqlBool, type SqliteDatabase, type SqliteStatement } from 'kysely';
import { escapeLike, type StoreDialect } from './dialect.js';

const STATEMENT_CACHE_SIZE = 500;

type Row = Record<string, unknown>;

/**
 * A function that turns a row's values (in column order) into the object better-sqlite3 would
 * make. better-sqlite3 sets a row object's properties one at a time, which costs more than reading
 * the row (about 5 µs a row of `messages`); one object literal of a fixed shape is nearly free. The
 * names are written as JSON string literals, so any column name is safe in the generated code.
 */
function rowBuilder(columns: string[]): (values: unknown[]) => Row {
  const fields = columns.map((column, index) => `${JSON.stringify(column)}: values[${index}]`).join(', ');
  return new Function('values', `return { ${fields} };`) as (values: unknown[]) => Row;
}

/** A statement as Kysely runs it: a query's rows are read as arrays and built by `rowBuilder`. */
function withFastRows(statement: BetterSqlite3.Statement): SqliteStatement {
  if (!statement.reader) return statement as unknown as SqliteStatement;
  const rowOf = rowBuilder(statement.columns().map((column) => column.name));
  statement.raw(true);
  return {
    reader: true,
    all: (parameters) => (statement.all(parameters) as unknown[][]).map(rowOf),
    run: (parameters) => statement.run(parameters),
    *iterate(parameters) {
      for (const values of statement.iterate(parameters) as IterableIterator<unknown[]>) yield rowOf(values);
    },
  };
}

/**
 * Kysely prepares every query anew; preparing costs as much as running a short query, so keep the
 * most recently used statements (a statement is reusable once its run returns, and Kysely runs
 * one query at a time on the connection).
 */
function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare(text: string): SqliteStatement {
      let statement = statements.get(text);
      if (statement) {
        statements.delete(text);
      } else {
        statement = withFastRows(database.prepare(text));
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      }
      statements.set(text, statement);
      return statement;
    },
  };
}

export class SqliteStoreDialect implements StoreDialect {
  readonly name = 'sqlite' as const;
  readonly sharedByProcesses = false;
  readonly autoIncrementType = 'integer' as const;

  constructor(private readonly filename: string) {}

  createKyselyDialect(): SqliteDialect {
    if (this.filename !== ':memory:') mkdirSync(dirname(this.filename), { recursive: true });
    const database = new BetterSqlite3(this.filename);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    return new SqliteDialect({ database: withStatementCache(database) });
  }

  autoIncrementPrimaryKey(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder {
    return column.primaryKey().autoIncrement();
  }

  containsIgnoringCase(expression: Expression<string | null>, needle: string): Expression<SqlBool> {
    // SQLite's LIKE ignores ASCII case, and its lower() folds nothing beyond ASCII: lowering both
    // sides would match the same rows at the cost of copying every value.
    return sql<SqlBool>`${expression} like ${`%${escapeLike(needle)}%`} escape '\\'`;
  }

  async close(): Promise<void> {
    // The database is closed by Kysely's destroy().
  }

  withCrossProcessLock<T>(_db: Kysely<any>, _key: string, work: () => Promise<T>): Promise<T> {
    return work();
  }

  isUniqueViolation(error: unknown): boolean {
    const code = (error as { code?: string } | null)?.code;
    return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  }

  isForeignKeyViolation(error: unknown): boolean {
    return (error as { code?: string } | null)?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
  }

  isUnavailable(error: unknown): boolean {
    const code = (error as { code?: string } | null)?.code ?? '';
    return code === 'SQLITE_BUSY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_FULL' || code === 'SQLITE_IOERR';
  }
}
