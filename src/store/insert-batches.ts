/** Rows per multi-row insert: well under SQLite's 32,766 and Postgres' 65,535 bound parameters. */
const ROWS_PER_INSERT = 500;

/** Rows cut into batches a single multi-row insert can take. */
export function insertBatches<T>(rows: T[]): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) batches.push(rows.slice(start, start + ROWS_PER_INSERT));
  return batches;
}
