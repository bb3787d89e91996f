import { sql, type Expression, type Kysely, type RawBuilder, type SqlBool, type Transaction } from 'kysely';
import type { StoreDialect } from '../dialects/dialect.js';
import type { Database } from '../tables.js';
import { checkTopK, distinctTags, type PassageSearchFilter, type PassageVectors, type VectorHit } from './passage-vectors.js';
import { vectorFromText, vectorToText } from './vector-codec.js';

export interface PostgresPassageVectorsOptions {
  /**
   * When fewer passages than this can match the filter (archives, tags, dates), they are ranked
   * exactly (no index); otherwise through the dimension's HNSW index. Exact costs about 1.5 µs
   * (date or archive filters) to 6 µs (tag filters) per matching passage; an index scan that must
   * skip most rows loses recall (measured at 100k: 0.96 with 10% matching, 0.80 with 5%).
   */
  exactBelow?: number;
  /** HNSW candidate list size (`hnsw.ef_search`); raised to topK when that is larger. */
  efSearch?: number;
  /** Tuples an iterative index scan may visit before giving up (`hnsw.max_scan_tuples`). */
  maxScanTuples?: number;
  /** Tests: make the planner prefer the index even on a table too small for it to pay. */
  preferIndex?: boolean;
}

const DEFAULTS: Required<PostgresPassageVectorsOptions> = {
  exactBelow: 10_000,
  efSearch: 100,
  maxScanTuples: 20_000,
  preferIndex: false,
};

/** pgvector indexes `vector` up to 2,000 dimensions and `halfvec` up to 4,000. */
function indexedType(dimension: number): 'vector' | 'halfvec' | null {
  if (dimension <= 2000) return 'vector';
  if (dimension <= 4000) return 'halfvec';
  return null;
}

function checkDimension(dimension: number): void {
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > 16_000) throw new RangeError(`A vector dimension must be an integer in [1, 16000], got ${dimension}`);
}

/** The name of the partial HNSW index over the passages of one dimension. */
export function hnswIndexName(dimension: number): string {
  return `passages_embedding_hnsw_${dimension}`;
}

type Plan = 'exact' | 'index';

/**
 * pgvector: one partial HNSW index per dimension over `embedding::vector(d)` (cosine), used by an
 * ORDER BY of that same expression with every filter in the same query. The index scan is
 * iterative (`hnsw.iterative_scan = strict_order`), so rows the filters reject do not use up the
 * limit; when few passages match, or the index scan still comes back short, they are ranked exactly.
 */
export class PostgresPassageVectors implements PassageVectors {
  private readonly options: Required<PostgresPassageVectorsOptions>;
  private readonly prepared = new Map<number, Promise<void>>();
  /** How searches were answered: exactly, through the index, or exactly after a short index scan. */
  readonly plans = { exact: 0, index: 0, indexThenExact: 0 };

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: StoreDialect,
    options: PostgresPassageVectorsOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  toColumn(vector: Float32Array): string {
    return vectorToText(vector);
  }

  fromColumn(value: unknown): Float32Array {
    return vectorFromText(value);
  }

  async prepareDimension(dimension: number): Promise<void> {
    checkDimension(dimension);
    let prepared = this.prepared.get(dimension);
    if (!prepared) {
      prepared = this.createIndex(dimension);
      this.prepared.set(dimension, prepared);
      prepared.catch(() => this.prepared.delete(dimension));
    }
    await prepared;
  }

  invalidate(): void {
    // Every search reads the table: nothing is cached.
  }

  close(): void {
    this.prepared.clear();
  }

  async search(query: Float32Array, topK: number, filter: PassageSearchFilter): Promise<VectorHit[]> {
    checkTopK(topK);
    const archiveIds = [...new Set(filter.archiveIds)];
    if (topK === 0 || !archiveIds.length || !query.length) return [];
    checkDimension(query.length);
    return this.db.transaction().execute(async (trx) => {
      const plan = await this.planFor(trx, query.length, archiveIds, filter);
      if (plan === 'index') {
        const hits = await this.indexSearch(trx, query, topK, archiveIds, filter);
        if (hits.length === topK) {
          this.plans.index++;
          return hits;
        }
        // Filters rejected more than the scan may visit, or fewer than topK match: rank exactly.
        this.plans.indexThenExact++;
      } else {
        this.plans.exact++;
      }
      return this.exactSearch(trx, query, topK, archiveIds, filter);
    });
  }

  /** EXPLAIN of the query `search` runs through the index (for tests and the benchmark). */
  async explainIndexSearch(query: Float32Array, topK: number, filter: PassageSearchFilter): Promise<string> {
    if (!indexedType(query.length)) throw new RangeError(`No index for ${query.length} dimensions`);
    return this.db.transaction().execute(async (trx) => {
      await this.configureScan(trx, topK);
      const compiled = this.indexQuery(trx, query, topK, [...new Set(filter.archiveIds)], filter).compile();
      const { rows } = await trx.executeQuery<{ 'QUERY PLAN': string }>({ ...compiled, sql: `explain ${compiled.sql}` });
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
  }

  private async createIndex(dimension: number): Promise<void> {
    const type = indexedType(dimension);
    if (!type) return; // too many dimensions for an index: searches rank exactly
    const name = hnswIndexName(dimension);
    await this.dialect.withCrossProcessLock(this.db, name, async () => {
      await sql`create index if not exists ${sql.id(name)} on passages using hnsw ((embedding::${sql.raw(`${type}(${dimension})`)}) ${sql.raw(`${type}_cosine_ops`)}) where embedding_dim = ${sql.lit(dimension)}`.execute(this.db);
    });
  }

  /**
   * Exact when fewer than `exactBelow` passages can match, else the index. The bound is the least
   * of counts that read only indexes, each stopping at exactBelow: the archives' passages, those in
   * the date window, those with the tags (for "all", of each tag). It ignores the model, so it may
   * send a search to the index that then finds too few and is answered exactly after all.
   */
  private async planFor(trx: Transaction<Database>, dimension: number, archiveIds: string[], filter: PassageSearchFilter): Promise<Plan> {
    if (!indexedType(dimension)) return 'exact';
    const limit = this.options.exactBelow;
    if (limit <= 0) return 'index';
    const archives = sql.join(archiveIds);
    const counted = (from: RawBuilder<unknown>) => sql`(select count(*) from (select 1 from ${from} limit ${sql.lit(limit)}) counted)`;
    const bounds = [counted(sql`passages where archive_id in (${archives})`)];
    if (filter.createdFrom || filter.createdTo) {
      const from = filter.createdFrom ? sql`and created_at >= ${filter.createdFrom}` : sql.raw('');
      const to = filter.createdTo ? sql`and created_at <= ${filter.createdTo}` : sql.raw('');
      bounds.push(counted(sql`passages where archive_id in (${archives}) ${from} ${to}`));
    }
    const tags = distinctTags(filter);
    if (tags.length && filter.tags?.mode === 'all') {
      for (const tag of tags) bounds.push(counted(sql`passage_tags where archive_id in (${archives}) and tag = ${tag}`));
    } else if (tags.length) {
      bounds.push(counted(sql`passage_tags where archive_id in (${archives}) and tag in (${sql.join(tags)})`));
    }
    const { rows } = await sql<{ bound: string | number }>`select least(${sql.join(bounds)}) as bound`.execute(trx);
    return Number(rows[0]!.bound) < limit ? 'exact' : 'index';
  }

  private async indexSearch(trx: Transaction<Database>, query: Float32Array, topK: number, archiveIds: string[], filter: PassageSearchFilter): Promise<VectorHit[]> {
    await this.configureScan(trx, topK);
    const rows = await this.indexQuery(trx, query, topK, archiveIds, filter).execute();
    return rows.map((row) => ({ passageId: row.id, score: clampScore(row.score) }));
  }

  private async configureScan(trx: Transaction<Database>, topK: number): Promise<void> {
    const efSearch = Math.min(1000, Math.max(this.options.efSearch, topK));
    await sql`select set_config('hnsw.ef_search', ${String(efSearch)}, true), set_config('hnsw.iterative_scan', 'strict_order', true), set_config('hnsw.max_scan_tuples', ${String(this.options.maxScanTuples)}, true)`.execute(trx);
    if (this.options.preferIndex) await sql`select set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off', true), set_config('enable_sort', 'off', true)`.execute(trx);
  }

  /** The query the HNSW index answers: ORDER BY the indexed expression's distance, LIMIT k. */
  private indexQuery(trx: Transaction<Database>, query: Float32Array, topK: number, archiveIds: string[], filter: PassageSearchFilter) {
    const type = sql.raw(`${indexedType(query.length)}(${query.length})`);
    const distance = sql<number>`(embedding::${type} <=> ${vectorToText(query)}::${type})`;
    return this.matching(trx, query.length, archiveIds, filter)
      .select(['id', sql<number>`1 - ${distance}`.as('score')])
      .orderBy(distance)
      .limit(topK);
  }

  /** Every matching row's distance computed and sorted (the index's expression is not used). */
  private async exactSearch(trx: Transaction<Database>, query: Float32Array, topK: number, archiveIds: string[], filter: PassageSearchFilter): Promise<VectorHit[]> {
    const type = sql.raw(`vector(${query.length})`);
    // "+ 0" keeps the planner from taking the (approximate) HNSW index for this ORDER BY.
    const distance = sql<number>`(embedding::${type} <=> ${vectorToText(query)}::${type}) + 0`;
    const rows = await this.matching(trx, query.length, archiveIds, filter)
      .select(['id', sql<number>`1 - ${distance}`.as('score')])
      .orderBy(distance)
      .orderBy('seq')
      .limit(topK)
      .execute();
    return rows.map((row) => ({ passageId: row.id, score: clampScore(row.score) }));
  }

  /** The passages a search ranks: of the archives and model (dimension inlined, so the partial index applies), then tags and dates. */
  private matching(trx: Transaction<Database>, dimension: number, archiveIds: string[], filter: PassageSearchFilter) {
    const tags = distinctTags(filter);
    let query = trx
      .selectFrom('passages')
      .where(sql<SqlBool>`embedding_dim = ${sql.lit(dimension)}`)
      .where('embedding_handle', '=', filter.embeddingHandle)
      .where('archive_id', 'in', archiveIds);
    if (filter.createdFrom) query = query.where('created_at', '>=', filter.createdFrom);
    if (filter.createdTo) query = query.where('created_at', '<=', filter.createdTo);
    if (tags.length) query = query.where(tagCondition(archiveIds, tags, filter.tags?.mode ?? 'any'));
    return query;
  }
}

/** Tag rows are looked up by (archive_id, tag), the order of passage_tags' index. */
function tagCondition(archiveIds: string[], tags: string[], mode: 'any' | 'all'): Expression<SqlBool> {
  const archives = sql.join(archiveIds);
  const list = sql.join(tags);
  const condition: RawBuilder<SqlBool> =
    mode === 'all' && tags.length > 1
      ? sql<SqlBool>`passages.id in (select t.passage_id from passage_tags t where t.archive_id in (${archives}) and t.tag in (${list}) group by t.passage_id having count(*) = ${sql.lit(tags.length)})`
      : sql<SqlBool>`passages.id in (select t.passage_id from passage_tags t where t.archive_id in (${archives}) and t.tag in (${list}))`;
  return condition;
}

/** Cosine similarity in [-1, 1]; a zero vector (no direction) scores 0, as on SQLite. */
function clampScore(score: number | string | null): number {
  const value = Number(score);
  return Number.isNaN(value) || score === null ? 0 : Math.min(1, Math.max(-1, value));
}
