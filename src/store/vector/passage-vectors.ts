export interface PassageSearchFilter {
  archiveIds: string[];
  /** Only vectors of this embedding model are compared. */
  embeddingHandle: string;
  tags?: { values: string[]; mode: 'any' | 'all' } | null;
  /** Inclusive bounds on created_at (ISO UTC strings). */
  createdFrom?: string | null;
  createdTo?: string | null;
}

export interface VectorHit {
  passageId: string;
  /** cosine similarity, 1 = same direction */
  score: number;
}

/**
 * Vector storage and search of archival passages. Rows are written and deleted by the passage
 * repository with plain SQL; this encodes their vectors and finds the nearest ones.
 */
export interface PassageVectors {
  /** The value to write into passages.embedding for this vector (dialect-specific). */
  toColumn(vector: Float32Array): Uint8Array | string;
  fromColumn(value: unknown): Float32Array;
  /**
   * Call before inserting vectors of a dimension (Postgres: makes sure that dimension's HNSW index
   * exists; SQLite: no-op). Safe to call concurrently and from several processes.
   */
  prepareDimension(dimension: number): Promise<void>;
  /**
   * The top `topK` passages by cosine similarity among those matching the filter. Filters apply
   * BEFORE the limit: if at least topK passages match, topK come back. Always reflects committed
   * rows (inserted or deleted by anyone, incl. cascade deletes of a whole archive).
   */
  search(query: Float32Array, topK: number, filter: PassageSearchFilter): Promise<VectorHit[]>;
  /**
   * Hints that passages of the archive changed (the service calls it after commits). Searches do
   * not need it to see inserts and deletes; an UPDATE of a stored vector in place does (SQLite).
   */
  invalidate(archiveId: string): void;
  close(): void;
}

/** Whether the filter restricts passages beyond archive and model. */
export function hasRowFilter(filter: PassageSearchFilter): boolean {
  return Boolean(filter.tags?.values.length || filter.createdFrom || filter.createdTo);
}

/** The filter's distinct tag values (an empty list means no tag filter). */
export function distinctTags(filter: PassageSearchFilter): string[] {
  return [...new Set(filter.tags?.values ?? [])];
}

export function checkTopK(topK: number): void {
  if (!Number.isInteger(topK) || topK < 0) throw new RangeError(`topK must be a non-negative integer, got ${topK}`);
}
