/**
 * Archival-memory vector search (issue: archival memory). Inserts PASSAGES passages with seeded,
 * clustered 384-dim unit vectors (1,000 random centroids plus noise) into one archive of a fresh
 * store, directly through the store, then times QUERIES top-10 searches with queries drawn from the
 * same distribution, and measures recall@10 against exact search (brute force in JavaScript).
 * Variants: unfiltered, tag filters (any) matching 10% and 1% of the archive, and a date window.
 * Targets: p50 < 20 ms and recall@10 >= 0.95 at 100,000 passages.
 *
 *   npm run bench:archival
 *   PASSAGES=20000 QUERIES=200 DIALECTS=sqlite npm run bench:archival     # quicker
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/store.js';
import { passageVectorsFor, PostgresPassageVectors, type PassageSearchFilter, type PassageVectors } from '../../src/store/vector/index.js';
import { forEachDialect, summary, type BenchDialect } from '../support.js';
import { seededRandom as random } from '../../test/support/seeded-random.js';

const PASSAGES = Number(process.env.PASSAGES ?? 100_000);
const QUERIES = Number(process.env.QUERIES ?? 1_000);
const DIMENSION = 384;
const CENTROIDS = 1_000;
/** Per-component noise: its norm (~0.8) is close to a centroid's (1). */
const NOISE = 0.04;
const TOP_K = 10;
const HANDLE = 'bench/clustered-384';
const ARCHIVE = 'archive-bench';
const INSERT_BATCH = 500;
const ADMIN_URI = process.env.MNEMO_BENCH_PG_URI ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function gaussian(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

function normalize(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  const scale = 1 / Math.sqrt(norm);
  for (let index = 0; index < vector.length; index++) vector[index]! *= scale;
  return vector;
}

/** Unit vectors: a random centroid plus Gaussian noise. */
function clusteredVectors(next: () => number, centroids: Float32Array[], count: number): Float32Array[] {
  return Array.from({ length: count }, () => {
    const centroid = centroids[Math.floor(next() * centroids.length)]!;
    return normalize(Float32Array.from(centroid, (value) => value + NOISE * gaussian(next)));
  });
}

interface Dataset {
  vectors: Float32Array[];
  tags: string[][];
  createdAt: string[];
  queries: Float32Array[];
}

function dataset(): Dataset {
  const next = random(20260102);
  const centroids = Array.from({ length: CENTROIDS }, () => normalize(Float32Array.from({ length: DIMENSION }, () => gaussian(next))));
  const vectors = clusteredVectors(next, centroids, PASSAGES);
  const start = Date.UTC(2025, 0, 1);
  return {
    vectors,
    // "tenth-N": 10% of the passages each; "hundredth-N": 1% each.
    tags: vectors.map((_, index) => [`tenth-${index % 10}`, `hundredth-${Math.floor(index / 10) % 100}`]),
    createdAt: vectors.map((_, index) => new Date(start + index * 60_000).toISOString()),
    queries: clusteredVectors(next, centroids, QUERIES),
  };
}

interface Variant {
  name: string;
  filter: PassageSearchFilter;
  matches: (index: number) => boolean;
}

function variants(data: Dataset): Variant[] {
  const base = { archiveIds: [ARCHIVE], embeddingHandle: HANDLE };
  const windowFrom = data.createdAt[Math.floor(PASSAGES * 0.4)]!;
  const windowTo = data.createdAt[Math.floor(PASSAGES * 0.45)]!;
  return [
    { name: 'unfiltered', filter: base, matches: () => true },
    { name: 'tag any (10%)', filter: { ...base, tags: { values: ['tenth-3'], mode: 'any' } }, matches: (index) => data.tags[index]!.includes('tenth-3') },
    { name: 'tag any (1%)', filter: { ...base, tags: { values: ['hundredth-42'], mode: 'any' } }, matches: (index) => data.tags[index]!.includes('hundredth-42') },
    {
      name: 'date window (5%)',
      filter: { ...base, createdFrom: windowFrom, createdTo: windowTo },
      matches: (index) => data.createdAt[index]! >= windowFrom && data.createdAt[index]! <= windowTo,
    },
  ];
}

/** Exact top-k row indexes by cosine (all vectors are unit length), brute force. */
function exactTopK(data: Dataset, query: Float32Array, matches: (index: number) => boolean): number[] {
  const best: { index: number; score: number }[] = [];
  for (let index = 0; index < data.vectors.length; index++) {
    if (!matches(index)) continue;
    const vector = data.vectors[index]!;
    let dot = 0;
    for (let d = 0; d < DIMENSION; d++) dot += vector[d]! * query[d]!;
    if (best.length < TOP_K || dot > best[best.length - 1]!.score) {
      best.push({ index, score: dot });
      best.sort((a, b) => b.score - a.score);
      if (best.length > TOP_K) best.pop();
    }
  }
  return best.map((hit) => hit.index);
}

async function freshStore(dialect: BenchDialect): Promise<{ store: Store; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'mnemo-bench-'));
    const store = openStore({ dataDir });
    return { store, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `mnemo_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: ADMIN_URI });
    await client.connect();
    await client.query(statement).finally(() => client.end());
  };
  await admin(`create database ${name}`);
  const uri = new URL(ADMIN_URI);
  uri.pathname = `/${name}`;
  return { store: openStore({ dataDir: tmpdir(), pgUri: uri.toString() }), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

async function insertAll(store: Store, vectors: PassageVectors, data: Dataset): Promise<void> {
  const at = new Date().toISOString();
  await store.db.insertInto('archives').values({ id: ARCHIVE, name: 'bench', vector_db_provider: 'native', created_at: at, updated_at: at }).execute();
  await vectors.prepareDimension(DIMENSION);
  const started = performance.now();
  let nextBatch = 0;
  const batches = Math.ceil(PASSAGES / INSERT_BATCH);
  // Two writers (Postgres builds the HNSW index as rows arrive; SQLite serialises them anyway).
  await Promise.all(
    [0, 1].map(async () => {
      while (nextBatch < batches) {
        const start = nextBatch++ * INSERT_BATCH;
        const indexes = Array.from({ length: Math.min(INSERT_BATCH, PASSAGES - start) }, (_, offset) => start + offset);
        await store.db.transaction().execute(async (trx) => {
          await trx
            .insertInto('passages')
            .values(
              indexes.map((index) => ({
                id: `passage-${index}`,
                archive_id: ARCHIVE,
                text: `passage ${index}`,
                tags: JSON.stringify(data.tags[index]),
                metadata: null,
                embedding_handle: HANDLE,
                embedding_dim: DIMENSION,
                embedding: vectors.toColumn(data.vectors[index]!),
                created_by_id: null,
                created_at: data.createdAt[index]!,
                updated_at: at,
              })),
            )
            .execute();
          await trx
            .insertInto('passage_tags')
            .values(indexes.flatMap((index) => data.tags[index]!.map((tag) => ({ passage_id: `passage-${index}`, archive_id: ARCHIVE, tag }))))
            .execute();
        });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(`inserted ${PASSAGES} passages in ${seconds.toFixed(1)} s (${(PASSAGES / seconds).toFixed(0)}/s)`);
}

async function bench(dialect: BenchDialect, data: Dataset, truths: Map<string, number[][]>): Promise<void> {
  const { store, drop } = await freshStore(dialect);
  const log = (line: string) => console.log(`[${dialect}] ${line}`);
  try {
    await store.migrate();
    const vectors = passageVectorsFor(store, {});
    process.stdout.write(`[${dialect}] `);
    await insertAll(store, vectors, data);
    // As autovacuum would have by now: the planner needs statistics to choose the HNSW index.
    if (dialect === 'postgres') await sql`vacuum analyze passages, passage_tags`.execute(store.db);

    const first = performance.now();
    await vectors.search(data.queries[0]!, TOP_K, { archiveIds: [ARCHIVE], embeddingHandle: HANDLE });
    log(`first search${dialect === 'sqlite' ? ' (loads the archive\'s vectors into memory)' : ''}: ${(performance.now() - first).toFixed(0)} ms`);

    for (const variant of variants(data)) {
      const truth = truths.get(variant.name)!;
      const samples: number[] = [];
      let found = 0;
      let expected = 0;
      for (let index = 0; index < data.queries.length; index++) {
        const started = performance.now();
        const hits = await vectors.search(data.queries[index]!, TOP_K, variant.filter);
        samples.push(performance.now() - started);
        const returned = new Set(hits.map((hit) => hit.passageId));
        found += truth[index]!.filter((row) => returned.has(`passage-${row}`)).length;
        expected += truth[index]!.length;
      }
      const plans = vectors instanceof PostgresPassageVectors ? `  plans ${JSON.stringify(vectors.plans)}` : '';
      if (vectors instanceof PostgresPassageVectors) Object.assign(vectors.plans, { exact: 0, index: 0, indexThenExact: 0 });
      log(`${summary(`search top-${TOP_K}, ${variant.name}`, samples)}  recall@${TOP_K}=${(found / expected).toFixed(4)}${plans}`);
    }

    // A search right after each write sees it (the catch-up cost).
    const next = random(99);
    const samples: number[] = [];
    for (let round = 0; round < 100; round++) {
      const vector = normalize(Float32Array.from({ length: DIMENSION }, () => gaussian(next)));
      const id = `passage-fresh-${round}`;
      const at = new Date().toISOString();
      await store.db
        .insertInto('passages')
        .values({ id, archive_id: ARCHIVE, text: id, tags: '[]', metadata: null, embedding_handle: HANDLE, embedding_dim: DIMENSION, embedding: vectors.toColumn(vector), created_by_id: null, created_at: at, updated_at: at })
        .execute();
      if (next() < 0.3) await store.db.deleteFrom('passages').where('id', '=', `passage-${round}`).execute();
      const started = performance.now();
      const hits = await vectors.search(vector, TOP_K, { archiveIds: [ARCHIVE], embeddingHandle: HANDLE });
      samples.push(performance.now() - started);
      if (hits[0]?.passageId !== id) throw new Error(`a search missed the passage inserted just before it (${id})`);
    }
    log(summary('search after insert (+30% delete)', samples));

    if (vectors instanceof PostgresPassageVectors) {
      for (const variant of variants(data).slice(0, 3)) {
        const plan = await vectors.explainIndexSearch(data.queries[0]!, TOP_K, variant.filter);
        const lines = plan.split('\n').map((line) => `    ${line.replace(/'\[[^\]]*\]'/g, "'[...]'")}`);
        log(`plan of the index query, ${variant.name}:\n${lines.join('\n')}`);
      }
    }
    vectors.close();
  } finally {
    await store.close();
    await drop();
  }
}

const data = dataset();
const truthStarted = performance.now();
const truths = new Map(variants(data).map((variant) => [variant.name, data.queries.map((query) => exactTopK(data, query, variant.matches))]));
console.log(`${PASSAGES} passages x ${DIMENSION} dims in ${CENTROIDS} clusters, ${QUERIES} queries; exact answers by brute force in ${((performance.now() - truthStarted) / 1000).toFixed(1)} s`);
await forEachDialect((dialect) => bench(dialect, data, truths));
