import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/store.js';
import { hnswIndexName, passageVectorsFor, PostgresPassageVectors, type PassageSearchFilter, type PassageVectors } from '../../src/store/vector/index.js';
import { createTestStore, DIALECTS, type TestStore } from '../support/dialects.js';
import { seededRandom as random } from '../support/seeded-random.js';

const HANDLE = 'test/embedder-a';

function randomVector(next: () => number, dimension: number): Float32Array {
  const vector = new Float32Array(dimension);
  for (let index = 0; index < dimension; index++) vector[index] = next() * 2 - 1;
  return vector;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let index = 0; index < a.length; index++) {
    dot += a[index]! * b[index]!;
    na += a[index]! * a[index]!;
    nb += b[index]! * b[index]!;
  }
  return dot / Math.sqrt(na * nb);
}

interface TestPassage {
  id: string;
  archiveId: string;
  vector: Float32Array;
  handle: string;
  tags: string[];
  createdAt: string;
}

function at(second: number): string {
  return new Date(Date.UTC(2026, 0, 2, 3, 0, second)).toISOString();
}

describe.each(DIALECTS)('passage vectors on %s', (dialect) => {
  let testStore: TestStore;
  let store: Store;
  let vectors: PassageVectors;
  const stored: TestPassage[] = [];

  beforeAll(async () => {
    testStore = await createTestStore(dialect);
    store = openStore(testStore.config);
    await store.migrate();
    vectors = passageVectorsFor(store);
  });

  afterAll(async () => {
    vectors?.close();
    await store?.close();
    await testStore?.drop();
  });

  async function newArchive(): Promise<string> {
    const id = `archive-${randomUUID()}`;
    await store.db.insertInto('archives').values({ id, name: id, vector_db_provider: 'native', created_at: at(0), updated_at: at(0) }).execute();
    return id;
  }

  async function insert(archiveId: string, items: { vector: Float32Array; handle?: string; tags?: string[]; createdAt?: string }[]): Promise<TestPassage[]> {
    const passages = items.map((item) => ({
      id: `passage-${randomUUID()}`,
      archiveId,
      vector: item.vector,
      handle: item.handle ?? HANDLE,
      tags: item.tags ?? [],
      createdAt: item.createdAt ?? at(0),
    }));
    for (const dimension of new Set(passages.map((passage) => passage.vector.length))) await vectors.prepareDimension(dimension);
    for (let start = 0; start < passages.length; start += 200) {
      const batch = passages.slice(start, start + 200);
      await store.db
        .insertInto('passages')
        .values(
          batch.map((passage) => ({
            id: passage.id,
            archive_id: archiveId,
            text: `text of ${passage.id}`,
            tags: JSON.stringify(passage.tags),
            metadata: null,
            embedding_handle: passage.handle,
            embedding_dim: passage.vector.length,
            embedding: vectors.toColumn(passage.vector),
            created_by_id: null,
            created_at: passage.createdAt,
            updated_at: passage.createdAt,
          })),
        )
        .execute();
      const tagRows = batch.flatMap((passage) => passage.tags.map((tag) => ({ passage_id: passage.id, archive_id: archiveId, tag })));
      if (tagRows.length) await store.db.insertInto('passage_tags').values(tagRows).execute();
    }
    stored.push(...passages);
    return passages;
  }

  /** The exact answer, computed here by brute force. */
  function expected(query: Float32Array, topK: number, filter: PassageSearchFilter): string[] {
    const tags = filter.tags?.values ?? [];
    return stored
      .filter((passage) => filter.archiveIds.includes(passage.archiveId) && passage.handle === filter.embeddingHandle && passage.vector.length === query.length)
      .filter((passage) => !tags.length || (filter.tags!.mode === 'all' ? tags.every((tag) => passage.tags.includes(tag)) : tags.some((tag) => passage.tags.includes(tag))))
      .filter((passage) => (!filter.createdFrom || passage.createdAt >= filter.createdFrom) && (!filter.createdTo || passage.createdAt <= filter.createdTo))
      .map((passage) => ({ id: passage.id, score: cosine(query, passage.vector) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, topK)
      .map((hit) => hit.id);
  }

  it('encodes vectors for the column and back', () => {
    const vector = Float32Array.from([0.1, -2.5, 3e-8, 1 / 3]);
    const column = vectors.toColumn(vector);
    expect(typeof column === 'string').toBe(dialect === 'postgres');
    expect(Array.from(vectors.fromColumn(column))).toEqual(Array.from(vector));
    expect(() => vectors.toColumn(Float32Array.from([1, Number.NaN]))).toThrow(/finite/);
  });

  it('finds the nearest neighbours of a small hand-made set, with cosine scores', async () => {
    const archiveId = await newArchive();
    const [east, northEast, north, west, eastLong] = await insert(archiveId, [
      { vector: Float32Array.from([1, 0, 0, 0]) },
      { vector: Float32Array.from([1, 1, 0, 0]) },
      { vector: Float32Array.from([0, 1, 0, 0]) },
      { vector: Float32Array.from([-1, 0, 0, 0]) },
      { vector: Float32Array.from([5, 0.1, 0, 0]) },
    ]);
    const hits = await vectors.search(Float32Array.from([2, 0, 0, 0]), 3, { archiveIds: [archiveId], embeddingHandle: HANDLE });
    expect(hits.map((hit) => hit.passageId)).toEqual([east!.id, eastLong!.id, northEast!.id]);
    expect(hits[0]!.score).toBeCloseTo(1, 5);
    expect(hits[1]!.score).toBeCloseTo(5 / Math.sqrt(25.01), 5);
    expect(hits[2]!.score).toBeCloseTo(Math.SQRT1_2, 5);

    const all = await vectors.search(Float32Array.from([0, 1, 0, 0]), 10, { archiveIds: [archiveId], embeddingHandle: HANDLE });
    expect(all).toHaveLength(5);
    expect(all[0]!.passageId).toBe(north!.id);
    expect(all.at(-1)!.score).toBeCloseTo(0, 5);
    expect(all.find((hit) => hit.passageId === west!.id)!.score).toBeCloseTo(0, 5);
    const opposite = await vectors.search(Float32Array.from([-1, 0, 0, 0]), 5, { archiveIds: [archiveId], embeddingHandle: HANDLE });
    expect(opposite.at(-1)!.score).toBeCloseTo(-1, 5);

    expect(await vectors.search(Float32Array.from([1, 0, 0, 0]), 0, { archiveIds: [archiveId], embeddingHandle: HANDLE })).toEqual([]);
    expect(await vectors.search(Float32Array.from([1, 0, 0, 0]), 3, { archiveIds: [], embeddingHandle: HANDLE })).toEqual([]);
  });

  it('compares only vectors of the filter\'s embedding model', async () => {
    const archiveId = await newArchive();
    const [other] = await insert(archiveId, [{ vector: Float32Array.from([1, 0, 0, 0]), handle: 'test/embedder-b' }]);
    const [mine] = await insert(archiveId, [{ vector: Float32Array.from([0, 1, 0, 0]) }]);
    const hits = await vectors.search(Float32Array.from([1, 0, 0, 0]), 5, { archiveIds: [archiveId], embeddingHandle: HANDLE });
    expect(hits.map((hit) => hit.passageId)).toEqual([mine!.id]);
    const theirs = await vectors.search(Float32Array.from([1, 0, 0, 0]), 5, { archiveIds: [archiveId], embeddingHandle: 'test/embedder-b' });
    expect(theirs.map((hit) => hit.passageId)).toEqual([other!.id]);
    expect(await vectors.search(Float32Array.from([1, 0, 0, 0]), 5, { archiveIds: [archiveId], embeddingHandle: 'test/none' })).toEqual([]);
  });

  it('searches only the filter\'s archives, and several at once', async () => {
    const first = await newArchive();
    const second = await newArchive();
    const third = await newArchive();
    const [a] = await insert(first, [{ vector: Float32Array.from([1, 0.1, 0, 0]) }]);
    const [b] = await insert(second, [{ vector: Float32Array.from([1, 0.2, 0, 0]) }]);
    await insert(third, [{ vector: Float32Array.from([1, 0, 0, 0]) }]);
    const query = Float32Array.from([1, 0, 0, 0]);
    expect((await vectors.search(query, 5, { archiveIds: [second], embeddingHandle: HANDLE })).map((hit) => hit.passageId)).toEqual([b!.id]);
    expect((await vectors.search(query, 5, { archiveIds: [first, second], embeddingHandle: HANDLE })).map((hit) => hit.passageId)).toEqual([a!.id, b!.id]);
    expect((await vectors.search(query, 1, { archiveIds: [second, first, first], embeddingHandle: HANDLE })).map((hit) => hit.passageId)).toEqual([a!.id]);
    expect(await vectors.search(query, 5, { archiveIds: ['archive-missing'], embeddingHandle: HANDLE })).toEqual([]);
  });

  it('filters by tags, any or all', async () => {
    const archiveId = await newArchive();
    const [red, redBlue, blue, none] = await insert(archiveId, [
      { vector: Float32Array.from([1, 0, 0, 0]), tags: ['red'] },
      { vector: Float32Array.from([1, 0.5, 0, 0]), tags: ['red', 'blue'] },
      { vector: Float32Array.from([1, 1, 0, 0]), tags: ['blue'] },
      { vector: Float32Array.from([1, 0.1, 0, 0]) },
    ]);
    const query = Float32Array.from([1, 0, 0, 0]);
    const ids = async (tags: PassageSearchFilter['tags']) => (await vectors.search(query, 10, { archiveIds: [archiveId], embeddingHandle: HANDLE, tags })).map((hit) => hit.passageId);
    expect(await ids({ values: ['red'], mode: 'any' })).toEqual([red!.id, redBlue!.id]);
    expect(await ids({ values: ['red', 'blue'], mode: 'any' })).toEqual([red!.id, redBlue!.id, blue!.id]);
    expect(await ids({ values: ['red', 'blue'], mode: 'all' })).toEqual([redBlue!.id]);
    expect(await ids({ values: ['blue', 'blue'], mode: 'all' })).toEqual([redBlue!.id, blue!.id]);
    expect(await ids({ values: ['green'], mode: 'any' })).toEqual([]);
    expect(await ids({ values: [], mode: 'all' })).toEqual([red!.id, none!.id, redBlue!.id, blue!.id]);
    expect(await ids(null)).toHaveLength(4);
  });

  it('filters by an inclusive creation window', async () => {
    const archiveId = await newArchive();
    const passages = await insert(
      archiveId,
      [0, 1, 2, 3, 4].map((second) => ({ vector: Float32Array.from([1, second / 10, 0, 0]), createdAt: at(second) })),
    );
    const query = Float32Array.from([1, 0, 0, 0]);
    const ids = async (createdFrom: string | null, createdTo: string | null) =>
      (await vectors.search(query, 10, { archiveIds: [archiveId], embeddingHandle: HANDLE, createdFrom, createdTo })).map((hit) => hit.passageId);
    expect(await ids(at(1), at(3))).toEqual([passages[1]!.id, passages[2]!.id, passages[3]!.id]);
    expect(await ids(at(3), null)).toEqual([passages[3]!.id, passages[4]!.id]);
    expect(await ids(null, at(0))).toEqual([passages[0]!.id]);
    expect(await ids(at(2), at(2))).toEqual([passages[2]!.id]);
    expect(await ids(at(5), null)).toEqual([]);
  });

  describe('filters apply before the limit', () => {
    let archiveId: string;
    const next = random(7);
    const queries = Array.from({ length: 5 }, () => randomVector(next, 384));

    beforeAll(async () => {
      archiveId = await newArchive();
      await insert(
        archiveId,
        Array.from({ length: 500 }, (_, index) => ({
          vector: randomVector(next, 384),
          tags: index % 40 === 7 ? ['rare', 'common'] : index % 2 ? ['common'] : ['other'],
          createdAt: at(index % 60),
        })),
      );
    });

    const variants: [string, () => PassageVectors, keyof PostgresPassageVectors['plans'] | null][] = [
      ['default', () => vectors, null],
      // SQLite: candidates gathered / the whole archive ranked and skipped over. Postgres: through the
      // HNSW index with an iterative scan (the planner pushed to it on this small table).
      ['gathering / index scan', () => passageVectorsFor(store, { sqlite: { gatherFraction: 1 }, postgres: { exactBelow: 0, preferIndex: true } }), 'index'],
      ['ranking all / exact', () => passageVectorsFor(store, { sqlite: { gatherFraction: 0 }, postgres: { exactBelow: 1_000_000 } }), 'exact'],
    ];
    it.each(variants)('%s', async (_, make, plan) => {
      const searcher = make();
      for (const query of queries) {
        const rare: PassageSearchFilter = { archiveIds: [archiveId], embeddingHandle: HANDLE, tags: { values: ['rare'], mode: 'any' } };
        const plans = searcher instanceof PostgresPassageVectors ? { ...searcher.plans } : null;
        const hits = await searcher.search(query, 10, rare);
        expect(hits).toHaveLength(10);
        // Through the index, the iterative scan went on past the rejected rows: no exact fallback.
        if (plans && plan) expect((searcher as PostgresPassageVectors).plans[plan]).toBe(plans[plan] + 1);
        expect(new Set(hits.map((hit) => hit.passageId))).toEqual(new Set(expected(query, 10, rare)));
        expect(hits.map((hit) => hit.score)).toEqual([...hits.map((hit) => hit.score)].sort((a, b) => b - a));

        const all: PassageSearchFilter = { archiveIds: [archiveId], embeddingHandle: HANDLE, tags: { values: ['common', 'rare'], mode: 'all' }, createdFrom: at(0), createdTo: at(30) };
        const allHits = await searcher.search(query, 10, all);
        expect(allHits.map((hit) => hit.passageId).sort()).toEqual(expected(query, 10, all).sort());
        expect(allHits.length).toBe(Math.min(10, expected(query, 100, all).length));

        const common: PassageSearchFilter = { archiveIds: [archiveId], embeddingHandle: HANDLE, tags: { values: ['common'], mode: 'any' } };
        expect((await searcher.search(query, 10, common)).map((hit) => hit.passageId)).toEqual(expected(query, 10, common));

        const window: PassageSearchFilter = { archiveIds: [archiveId], embeddingHandle: HANDLE, createdFrom: at(10), createdTo: at(12) };
        expect((await searcher.search(query, 20, window)).map((hit) => hit.passageId).sort()).toEqual(expected(query, 20, window).sort());

        const unfiltered: PassageSearchFilter = { archiveIds: [archiveId], embeddingHandle: HANDLE };
        expect((await searcher.search(query, 10, unfiltered)).map((hit) => hit.passageId)).toEqual(expected(query, 10, unfiltered));
      }
    });
  });

  it('finds a passage inserted after a search, and never returns a deleted one', async () => {
    const archiveId = await newArchive();
    const next = random(11);
    await insert(archiveId, Array.from({ length: 50 }, () => ({ vector: randomVector(next, 16) })));
    const query = randomVector(next, 16);
    const filter = { archiveIds: [archiveId], embeddingHandle: HANDLE };
    expect(await vectors.search(query, 3, filter)).toHaveLength(3);

    // Written behind the service's back: no invalidate() hint.
    const [twin] = await insert(archiveId, [{ vector: query }]);
    const afterInsert = await vectors.search(query, 3, filter);
    expect(afterInsert[0]!.passageId).toBe(twin!.id);
    expect(afterInsert[0]!.score).toBeCloseTo(1, 5);

    await store.db.deleteFrom('passage_tags').where('passage_id', '=', twin!.id).execute();
    await store.db.deleteFrom('passages').where('id', '=', twin!.id).execute();
    const afterDelete = await vectors.search(query, 3, filter);
    expect(afterDelete.map((hit) => hit.passageId)).not.toContain(twin!.id);
    expect(afterDelete).toHaveLength(3);

    // A delete and an insert between two searches (same count, higher seq).
    const [replacement] = await insert(archiveId, [{ vector: query }]);
    const [victim] = (await vectors.search(query, 2, filter)).slice(1);
    await store.db.deleteFrom('passages').where('id', '=', victim!.passageId).execute();
    const [again] = await insert(archiveId, [{ vector: Float32Array.from(query, (value) => -value) }]);
    const hits = await vectors.search(query, 51, filter);
    const ids = hits.map((hit) => hit.passageId);
    expect(ids[0]).toBe(replacement!.id);
    expect(ids).not.toContain(victim!.passageId);
    expect(ids.at(-1)).toBe(again!.id);
    expect(hits).toHaveLength(51);
    expect(new Set(ids)).toEqual(new Set(expected(query, 100, filter).filter((id) => id !== victim!.passageId && id !== twin!.id)));
  });

  it('stays exact through inserts and deletes (SQLite: across chunks, marking rows dead, compacting)', async () => {
    const archiveId = await newArchive();
    const next = random(23);
    const searchers = [vectors, passageVectorsFor(store, { sqlite: { rowsPerChunk: 32, gatherFraction: 0.5 } })];
    const passages = await insert(
      archiveId,
      Array.from({ length: 300 }, (_, index) => ({ vector: randomVector(next, 16), tags: index % 3 ? ['x'] : ['y'], createdAt: at(index % 50) })),
    );
    const deleted = new Set<string>();
    const check = async () => {
      for (let round = 0; round < 3; round++) {
        const query = randomVector(next, 16);
        for (const filter of [
          { archiveIds: [archiveId], embeddingHandle: HANDLE },
          { archiveIds: [archiveId], embeddingHandle: HANDLE, tags: { values: ['x'], mode: 'any' as const } },
          { archiveIds: [archiveId], embeddingHandle: HANDLE, tags: { values: ['y'], mode: 'any' as const }, createdFrom: at(5), createdTo: at(40) },
        ]) {
          const want = expected(query, 100, filter).filter((id) => !deleted.has(id)).slice(0, 7);
          for (const searcher of searchers) expect((await searcher.search(query, 7, filter)).map((hit) => hit.passageId)).toEqual(want);
        }
      }
    };
    await check();
    for (const share of [0.05, 0.2, 0.3]) {
      const victims = passages.filter((passage) => !deleted.has(passage.id)).filter(() => next() < share);
      for (const victim of victims) deleted.add(victim.id);
      await store.db.deleteFrom('passages').where('id', 'in', victims.map((victim) => victim.id)).execute();
      await check();
      await insert(archiveId, Array.from({ length: 40 }, () => ({ vector: randomVector(next, 16), tags: ['x'] })));
      await check();
    }
  });

  it('never returns the passages of a deleted archive', async () => {
    const archiveId = await newArchive();
    const keep = await newArchive();
    const next = random(13);
    await insert(archiveId, Array.from({ length: 20 }, () => ({ vector: randomVector(next, 8), tags: ['x'] })));
    const [kept] = await insert(keep, [{ vector: randomVector(next, 8), tags: ['x'] }]);
    const query = randomVector(next, 8);
    expect(await vectors.search(query, 5, { archiveIds: [archiveId, keep], embeddingHandle: HANDLE })).toHaveLength(5);
    await store.db.deleteFrom('archives').where('id', '=', archiveId).execute();
    expect((await vectors.search(query, 5, { archiveIds: [archiveId, keep], embeddingHandle: HANDLE })).map((hit) => hit.passageId)).toEqual([kept!.id]);
    expect(await vectors.search(query, 5, { archiveIds: [archiveId], embeddingHandle: HANDLE, tags: { values: ['x'], mode: 'any' } })).toEqual([]);
  });

  it('keeps vectors of 384 and 512 dimensions apart in one store', async () => {
    const archiveId = await newArchive();
    const next = random(17);
    const small = await insert(archiveId, Array.from({ length: 30 }, () => ({ vector: randomVector(next, 384) })));
    const large = await insert(archiveId, Array.from({ length: 30 }, () => ({ vector: randomVector(next, 512), handle: 'test/embedder-512' })));
    const smallHits = await vectors.search(small[3]!.vector, 5, { archiveIds: [archiveId], embeddingHandle: HANDLE });
    expect(smallHits[0]!.passageId).toBe(small[3]!.id);
    expect(smallHits.map((hit) => hit.passageId)).toEqual(expected(small[3]!.vector, 5, { archiveIds: [archiveId], embeddingHandle: HANDLE }));
    const largeHits = await vectors.search(large[4]!.vector, 5, { archiveIds: [archiveId], embeddingHandle: 'test/embedder-512' });
    expect(largeHits[0]!.passageId).toBe(large[4]!.id);
    expect(largeHits.every((hit) => large.some((passage) => passage.id === hit.passageId))).toBe(true);
    // A query of the other dimension under the same handle compares nothing.
    expect(await vectors.search(randomVector(next, 512), 5, { archiveIds: [archiveId], embeddingHandle: HANDLE })).toEqual([]);
  });

  it('prepares a dimension once, concurrently and again', async () => {
    const others = [passageVectorsFor(store, {}), passageVectorsFor(store, {})];
    await Promise.all([...others, vectors].flatMap((searcher) => [searcher.prepareDimension(768), searcher.prepareDimension(768)]));
    await vectors.prepareDimension(768);
    if (dialect === 'postgres') {
      const { rows } = await sql<{ indexdef: string }>`select indexdef from pg_indexes where tablename = 'passages' and indexname like 'passages_embedding_hnsw_%' order by indexname`.execute(store.db);
      expect(rows.map((row) => row.indexdef).filter((indexdef) => /_(384|512|768) /.test(indexdef))).toEqual(
        [384, 512, 768].map((dimension) => expect.stringContaining(`${hnswIndexName(dimension)} ON public.passages USING hnsw (((embedding)::vector(${dimension})) vector_cosine_ops) WHERE (embedding_dim = ${dimension})`)),
      );
    }
    await expect(vectors.prepareDimension(0)).rejects.toThrow(RangeError);
  });

  it.runIf(dialect === 'postgres')('ranks through the HNSW index (EXPLAIN)', async () => {
    const searcher = passageVectorsFor(store, { postgres: { exactBelow: 0, preferIndex: true } }) as PostgresPassageVectors;
    const plan = await searcher.explainIndexSearch(randomVector(random(3), 384), 10, { archiveIds: ['archive-x'], embeddingHandle: HANDLE, tags: { values: ['a'], mode: 'any' } });
    expect(plan).toMatch(new RegExp(`Index Scan using ${hnswIndexName(384)} on passages`));
  });
});
