import { sql, type SelectQueryBuilder } from 'kysely';
import { BadRequestError } from '../errors.js';
import type { PageRequest } from '../domain/pagination.js';
import type { Executor } from './store.js';
import type { Database } from './tables.js';

type Cursor = { sortValue: string | number; id: string };

/**
 * Keyset pagination over `(sortColumn, id)`. `after` returns what follows the cursor in the
 * requested order, `before` what precedes it (the nearest `limit` items), both in that order.
 * An unknown cursor id is a 400 naming the parameter.
 */
export async function paginate<T extends keyof Database & string, O extends { id: string }>(
  db: Executor,
  table: T,
  query: SelectQueryBuilder<Database, T, O>,
  page: PageRequest,
  sortColumn: string = 'created_at',
  options: { nullable?: boolean } = {},
): Promise<O[]> {
  // A nullable sort column sorts its nulls first (as ''), so tuple comparisons never meet a null.
  const column = sql.ref(`${table}.${sortColumn}`);
  const sortRef = options.nullable ? sql`coalesce(${column}, '')` : column;
  const idRef = sql.ref(`${table}.id`);
  const cursor = async (name: 'before' | 'after', id: string): Promise<Cursor> => {
    const row = (await sql<{ sort_value: string | number | null }>`select ${sql.ref(sortColumn)} as sort_value from ${sql.table(table)} where id = ${id}`
      .execute(db)).rows[0];
    if (!row) throw new BadRequestError(`${name}: no item with id ${id} in this list`);
    return { sortValue: row.sort_value ?? '', id };
  };
  const ascending = page.order === 'asc';
  let builder = query as SelectQueryBuilder<any, any, O>;
  if (page.after) {
    const c = await cursor('after', page.after);
    builder = builder.where(sql<boolean>`(${sortRef}, ${idRef}) ${sql.raw(ascending ? '>' : '<')} (${c.sortValue}, ${c.id})`);
  }
  if (page.before) {
    const c = await cursor('before', page.before);
    builder = builder.where(sql<boolean>`(${sortRef}, ${idRef}) ${sql.raw(ascending ? '<' : '>')} (${c.sortValue}, ${c.id})`);
  }
  // With only `before`, walk backwards from the cursor, then restore the requested order.
  const backwards = Boolean(page.before) && !page.after;
  const direction = ascending !== backwards ? 'asc' : 'desc';
  const rows = await builder.orderBy(sortRef, direction).orderBy(idRef, direction).limit(page.limit).execute();
  return backwards ? rows.reverse() : rows;
}

/** How many rows a filtered select would return. */
export async function countRows(query: SelectQueryBuilder<any, any, any>): Promise<number> {
  const row = await query
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number((row as { n: number | string }).n);
}
