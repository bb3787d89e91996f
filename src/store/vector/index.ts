import type { Store } from '../store.js';
import type { PassageVectors } from './passage-vectors.js';
import { PostgresPassageVectors, type PostgresPassageVectorsOptions } from './postgres-passage-vectors.js';
import { SqlitePassageVectors, type SqlitePassageVectorsOptions } from './sqlite-passage-vectors.js';

export type { PassageSearchFilter, PassageVectors, VectorHit } from './passage-vectors.js';
export { PostgresPassageVectors, hnswIndexName, type PostgresPassageVectorsOptions } from './postgres-passage-vectors.js';
export { SqlitePassageVectors, type SqlitePassageVectorsOptions } from './sqlite-passage-vectors.js';

export interface PassageVectorsOptions {
  sqlite?: SqlitePassageVectorsOptions;
  postgres?: PostgresPassageVectorsOptions;
}

const shared = new WeakMap<Store, PassageVectors>();

/**
 * The store's passage vectors. Without options, one instance per store (SQLite's in-memory vectors
 * are shared by every caller; close() only empties them); with options, a new one (tests, benchmarks).
 */
export function passageVectorsFor(store: Store, options?: PassageVectorsOptions): PassageVectors {
  if (!options) {
    const existing = shared.get(store);
    if (existing) return existing;
  }
  const created: PassageVectors =
    store.dialect.name === 'postgres'
      ? new PostgresPassageVectors(store.db, store.dialect, options?.postgres)
      : new SqlitePassageVectors(store.db, options?.sqlite);
  if (!options) shared.set(store, created);
  return created;
}
