import type { PassageSearchFilter } from './passage-vectors.js';
import { distinctTags } from './passage-vectors.js';
import { usearch } from './usearch.js';
import { LITTLE_ENDIAN, normalizeInPlace, vectorFromBytes } from './vector-codec.js';

/** A `passages` row as a search loads it. */
export interface LoadedRow {
  seq: number;
  id: string;
  embedding_handle: string;
  embedding_dim: number;
  embedding: unknown;
  tags: string;
  created_at: string;
}

export interface RowHit {
  row: number;
  score: number;
}

/** Vectors are held in chunks of about this many bytes: growing never copies what is there. */
const CHUNK_BYTES = 16 * 1024 * 1024;
/** Past this share of deleted rows, a group is rewritten without them. */
const COMPACT_DEAD_FRACTION = 0.25;

function parseTags(json: string): string[] {
  try {
    const tags: unknown = JSON.parse(json);
    return Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * One embedding model's vectors (of one dimension) within an archive, scaled to unit length, in
 * `seq` order, with each row's id, creation time and tags. Rows deleted from the table are marked
 * dead (never returned) and dropped for good once they are a quarter of the group.
 */
export class VectorGroup {
  readonly rowsPerChunk: number;
  /** Full chunks of rowsPerChunk rows, then the last, which grows up to that size. */
  private chunks: Float32Array[] = [];
  private chunkBytes: Uint8Array[] = [];
  /** Rows held, dead ones included. */
  size = 0;
  deadCount = 0;
  private seqs = new Float64Array(16);
  private dead = new Uint8Array(16);
  private ids: string[] = [];
  private createdAt: string[] = [];
  /** For each tag, its rows (ascending). */
  private tagRows = new Map<string, number[]>();

  constructor(
    readonly dimension: number,
    rowsPerChunk?: number,
  ) {
    this.rowsPerChunk = rowsPerChunk ?? Math.max(64, Math.floor(CHUNK_BYTES / (dimension * 4)));
  }

  get liveCount(): number {
    return this.size - this.deadCount;
  }

  get memoryBytes(): number {
    let bytes = this.seqs.byteLength + this.dead.byteLength;
    for (const chunk of this.chunks) bytes += chunk.byteLength;
    return bytes;
  }

  idOf(row: number): string {
    return this.ids[row]!;
  }

  append(row: LoadedRow): void {
    const index = this.size;
    if (index === this.seqs.length) {
      const seqs = new Float64Array(index * 2);
      seqs.set(this.seqs);
      this.seqs = seqs;
      const dead = new Uint8Array(index * 2);
      dead.set(this.dead);
      this.dead = dead;
    }
    const chunkIndex = Math.floor(index / this.rowsPerChunk);
    const offset = (index % this.rowsPerChunk) * this.dimension;
    this.ensureChunk(chunkIndex, (index % this.rowsPerChunk) + 1);
    const chunk = this.chunks[chunkIndex]!;
    const embedding = row.embedding as Uint8Array;
    // Bytes are copied as they are (any alignment), then scaled to unit length.
    if (LITTLE_ENDIAN) this.chunkBytes[chunkIndex]!.set(embedding, offset * 4);
    else chunk.set(vectorFromBytes(embedding), offset);
    normalizeInPlace(chunk, offset, this.dimension);
    this.seqs[index] = row.seq;
    this.ids[index] = row.id;
    this.createdAt[index] = row.created_at;
    for (const tag of parseTags(row.tags)) {
      const rows = this.tagRows.get(tag);
      if (!rows) this.tagRows.set(tag, [index]);
      else if (rows[rows.length - 1] !== index) rows.push(index);
    }
    this.size++;
  }

  /**
   * Marks dead the rows whose seq `live` (ascending) lacks; returns how many of `live` it holds
   * (fewer than live.length means the table has a row this group never read).
   */
  retain(live: Float64Array): number {
    let held = 0;
    let cursor = 0;
    for (let row = 0; row < this.size; row++) {
      const seq = this.seqs[row]!;
      while (cursor < live.length && live[cursor]! < seq) cursor++;
      if (cursor < live.length && live[cursor] === seq) {
        if (!this.dead[row]) held++;
      } else if (!this.dead[row]) {
        this.dead[row] = 1;
        this.deadCount++;
      }
    }
    if (this.deadCount > this.size * COMPACT_DEAD_FRACTION) this.compact();
    return held;
  }

  /** Rows (ascending) that pass the filter's tags and creation window, and are not dead; null: every live row. */
  rowsMatching(filter: PassageSearchFilter | null): Int32Array | null {
    const tags = filter ? distinctTags(filter) : [];
    const from = filter?.createdFrom;
    const to = filter?.createdTo;
    if (!tags.length && !from && !to) return null;
    let rows: Int32Array;
    if (!tags.length) {
      rows = new Int32Array(this.size);
      for (let row = 0; row < this.size; row++) rows[row] = row;
    } else if (tags.length === 1) {
      rows = Int32Array.from(this.tagRows.get(tags[0]!) ?? []);
    } else {
      // Count each row's matching tags (a row is listed once per tag).
      const needed = filter?.tags?.mode === 'all' ? tags.length : 1;
      const counts = new Uint16Array(this.size);
      let found = 0;
      for (const tag of tags) for (const row of this.tagRows.get(tag) ?? []) if (++counts[row] === needed) found++;
      rows = new Int32Array(found);
      let next = 0;
      for (let row = 0; row < this.size; row++) if (counts[row]! >= needed) rows[next++] = row;
    }
    let kept = 0;
    for (const row of rows) {
      if (this.dead[row]) continue;
      // ISO-8601 UTC strings compare as the column does in SQL (as text).
      const createdAt = this.createdAt[row]!;
      if ((from && createdAt < from) || (to && createdAt > to)) continue;
      rows[kept++] = row;
    }
    return rows.subarray(0, kept);
  }

  /** The top `topK` live rows by inner product with `query` (unit length), best first. */
  searchAll(query: Float32Array, topK: number, threads: number): RowHit[] {
    const hits: RowHit[] = [];
    this.forEachChunk((chunk, first, rows) => {
      // Each dead row of the chunk may take a place among its best: ask for that many more.
      let dead = 0;
      if (this.deadCount) for (let row = first; row < first + rows; row++) dead += this.dead[row]!;
      for (const hit of exactSearch(chunk, query, this.dimension, Math.min(topK + dead, rows), threads)) {
        if (!dead || !this.dead[first + hit.row]) hits.push({ row: first + hit.row, score: hit.score });
      }
    });
    return best(hits, topK);
  }

  /** The top `topK` of `rows` (ascending), by copying their vectors side by side. */
  searchGathered(query: Float32Array, topK: number, rows: Int32Array, scratch: Float32Array, threads: number): RowHit[] {
    const dimension = this.dimension;
    for (let index = 0; index < rows.length; index++) {
      const row = rows[index]!;
      const chunk = this.chunks[Math.floor(row / this.rowsPerChunk)]!;
      const offset = (row % this.rowsPerChunk) * dimension;
      scratch.set(chunk.subarray(offset, offset + dimension), index * dimension);
    }
    return exactSearch(scratch.subarray(0, rows.length * dimension), query, dimension, Math.min(topK, rows.length), threads).map((hit) => ({ row: rows[hit.row]!, score: hit.score }));
  }

  /** The top `topK` of `rows` (ascending), ranking whole chunks deeper until enough of the best are in `rows`. */
  searchSkipping(query: Float32Array, topK: number, rows: Int32Array, threads: number): RowHit[] {
    const wantedRow = new Uint8Array(this.size);
    for (const row of rows) wantedRow[row] = 1;
    const hits: RowHit[] = [];
    this.forEachChunk((chunk, first, chunkRows) => {
      let candidates = 0;
      for (let row = first; row < first + chunkRows; row++) candidates += wantedRow[row]!;
      const wanted = Math.min(topK, candidates);
      if (!wanted) return;
      let depth = Math.min(chunkRows, Math.ceil((wanted * chunkRows * 2) / candidates) + wanted);
      for (;;) {
        const found = exactSearch(chunk, query, this.dimension, depth, threads).filter((hit) => wantedRow[first + hit.row] === 1);
        if (found.length >= wanted || depth === chunkRows) {
          for (const hit of found.slice(0, wanted)) hits.push({ row: first + hit.row, score: hit.score });
          return;
        }
        depth = Math.min(chunkRows, depth * 4);
      }
    });
    return best(hits, topK);
  }

  private forEachChunk(work: (chunk: Float32Array, firstRow: number, rows: number) => void): void {
    for (let chunkIndex = 0; chunkIndex * this.rowsPerChunk < this.size; chunkIndex++) {
      const first = chunkIndex * this.rowsPerChunk;
      const rows = Math.min(this.rowsPerChunk, this.size - first);
      work(this.chunks[chunkIndex]!.subarray(0, rows * this.dimension), first, rows);
    }
  }

  /** Makes chunk `chunkIndex` hold at least `rows` rows (the last chunk grows by doubling). */
  private ensureChunk(chunkIndex: number, rows: number): void {
    const existing = this.chunks[chunkIndex];
    if (existing && existing.length >= rows * this.dimension) return;
    // Only the first chunk starts small (most archives are small); later ones are made whole.
    const capacity = chunkIndex > 0 ? this.rowsPerChunk : Math.min(this.rowsPerChunk, Math.max(rows, 16, existing ? (existing.length / this.dimension) * 2 : 0));
    const chunk = new Float32Array(capacity * this.dimension);
    if (existing) chunk.set(existing);
    this.chunks[chunkIndex] = chunk;
    this.chunkBytes[chunkIndex] = new Uint8Array(chunk.buffer);
  }

  /** Rewrites the group without its dead rows. */
  private compact(): void {
    const moved = new Int32Array(this.size);
    const chunks = this.chunks;
    const seqs = this.seqs;
    const ids = this.ids;
    const createdAt = this.createdAt;
    const size = this.size;
    const dead = this.dead;
    this.chunks = [];
    this.chunkBytes = [];
    this.seqs = new Float64Array(Math.max(16, size - this.deadCount));
    this.dead = new Uint8Array(this.seqs.length);
    this.ids = [];
    this.createdAt = [];
    this.size = 0;
    this.deadCount = 0;
    for (let row = 0; row < size; row++) {
      if (dead[row]) {
        moved[row] = -1;
        continue;
      }
      const index = this.size++;
      moved[row] = index;
      const chunkIndex = Math.floor(index / this.rowsPerChunk);
      this.ensureChunk(chunkIndex, (index % this.rowsPerChunk) + 1);
      const source = chunks[Math.floor(row / this.rowsPerChunk)]!;
      const from = (row % this.rowsPerChunk) * this.dimension;
      this.chunks[chunkIndex]!.set(source.subarray(from, from + this.dimension), (index % this.rowsPerChunk) * this.dimension);
      this.seqs[index] = seqs[row]!;
      this.ids[index] = ids[row]!;
      this.createdAt[index] = createdAt[row]!;
    }
    for (const [tag, rows] of this.tagRows) {
      const remaining: number[] = [];
      for (const row of rows) if (moved[row] !== -1) remaining.push(moved[row]!);
      if (remaining.length) this.tagRows.set(tag, remaining);
      else this.tagRows.delete(tag);
    }
  }
}

/** usearch's SIMD brute force by inner product (cosine, as all are unit length), best first. */
function exactSearch(matrix: Float32Array, query: Float32Array, dimension: number, count: number, threads: number): RowHit[] {
  if (count <= 0) return [];
  const matches = usearch.exactSearch(matrix, query, dimension, count, usearch.MetricKind.IP, threads) as { keys: BigUint64Array; distances: Float32Array };
  const rows = matrix.length / dimension;
  const hits: RowHit[] = [];
  for (let index = 0; index < matches.keys.length; index++) {
    const row = Number(matches.keys[index]!);
    // usearch's inner-product distance is 1 - dot.
    if (row < rows) hits.push({ row, score: Math.min(1, Math.max(-1, 1 - matches.distances[index]!)) });
  }
  return hits;
}

function best(hits: RowHit[], topK: number): RowHit[] {
  return hits.sort((a, b) => b.score - a.score || a.row - b.row).slice(0, topK);
}
