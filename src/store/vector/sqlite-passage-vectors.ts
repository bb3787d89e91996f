import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../tables.js';
import { checkTopK, hasRowFilter, type PassageSearchFilter, type PassageVectors, type VectorHit } from './passage-vectors.js';
import { normalizeInPlace, vectorFromBytes, vectorToBytes } from './vector-codec.js';
import { VectorGroup, type LoadedRow, type RowHit } from './vector-group.js';

export interface SqlitePassageVectorsOptions {
  /** Vectors kept in memory across archives; past it the least recently searched archives are dropped. */
  maxCachedBytes?: number;
  /** Rows read per query while loading an archive's vectors. */
  loadBatchRows?: number;
  /**
   * A filtered search copies its candidates' vectors and ranks only those when they are at most
   * this fraction of the group; past it, it ranks whole chunks and skips the others.
   */
  gatherFraction?: number;
  /** Threads of one exact search (0: as many as the machine has; 1 measured fastest on 2 cores). */
  threads?: number;
  /** Rows per chunk of vectors (default: 16 MB worth); tests make it small. */
  rowsPerChunk?: number;
}

const DEFAULTS: Required<Omit<SqlitePassageVectorsOptions, 'rowsPerChunk'>> = {
  maxCachedBytes: 1024 ** 3,
  loadBatchRows: 4096,
  gatherFraction: 0.25,
  threads: 1,
};

/** What is known of one archive's passages: their vectors by model and dimension. */
class ArchiveVectors {
  readonly groups = new Map<string, VectorGroup>();
  /** Rows whose stored vector does not match its `embedding_dim`: counted, never compared. */
  readonly unusable = new Set<number>();
  /** Every row of the archive with seq <= maxSeq has been read (seqs only grow, never come back). */
  maxSeq = 0;
  /** The connection's change marker when this was last checked against the table. */
  checkedAt: string | null = null;
  lastUsed = 0;
  /** Refreshes of one archive run one at a time. */
  queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly archiveId: string,
    private readonly rowsPerChunk: number | undefined,
  ) {}

  /** Rows held and not deleted: equal to the table's count when caught up. */
  get count(): number {
    let count = this.unusable.size;
    for (const group of this.groups.values()) count += group.liveCount;
    return count;
  }

  get memoryBytes(): number {
    let bytes = 0;
    for (const group of this.groups.values()) bytes += group.memoryBytes;
    return bytes;
  }

  group(handle: string, dimension: number): VectorGroup | undefined {
    return this.groups.get(groupKey(handle, dimension));
  }

  add(row: LoadedRow): void {
    if (!(row.embedding instanceof Uint8Array) || row.embedding.byteLength !== row.embedding_dim * 4) {
      this.unusable.add(row.seq);
      return;
    }
    const key = groupKey(row.embedding_handle, row.embedding_dim);
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = new VectorGroup(row.embedding_dim, this.rowsPerChunk)));
    group.append(row);
  }

  clear(): void {
    this.groups.clear();
    this.unusable.clear();
    this.maxSeq = 0;
    this.checkedAt = null;
  }
}

function groupKey(handle: string, dimension: number): string {
  return `${dimension}\u0000${handle}`;
}

/**
 * Exact cosine search over each archive's vectors held in memory (usearch's SIMD brute force).
 * SQLite stays the source of truth: before each search the cache is caught up with the table —
 * rows past the highest `seq` read are loaded, and a row count that differs from the cache's means
 * deletions, whose rows are then marked dead. A per-connection change marker (`total_changes()`
 * and `data_version`) skips that check when nothing at all was written since the last one.
 * Each row's tags (from its `tags` list) and `created_at` are kept beside its vector, so filters
 * pick the candidate rows in memory before ranking. Passage rows are taken as immutable once
 * written (inserted or deleted, never updated in place), as the Letta API makes them.
 */
export class SqlitePassageVectors implements PassageVectors {
  private readonly options: typeof DEFAULTS & SqlitePassageVectorsOptions;
  private readonly archives = new Map<string, ArchiveVectors>();
  private scratch = new Float32Array(0);
  private clock = 0;

  constructor(
    private readonly db: Kysely<Database>,
    options: SqlitePassageVectorsOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  toColumn(vector: Float32Array): Uint8Array {
    return vectorToBytes(vector);
  }

  fromColumn(value: unknown): Float32Array {
    return vectorFromBytes(value);
  }

  async prepareDimension(dimension: number): Promise<void> {
    // Vectors of any dimension share the BLOB column; nothing to prepare.
    if (!Number.isInteger(dimension) || dimension < 1) throw new RangeError(`A vector dimension must be a positive integer, got ${dimension}`);
  }

  invalidate(archiveId: string): void {
    // Searches detect inserts and deletes themselves; this only makes the next one check the table
    // even if the connection's change marker says nothing changed.
    const archive = this.archives.get(archiveId);
    if (archive) archive.checkedAt = null;
  }

  close(): void {
    this.archives.clear();
    this.scratch = new Float32Array(0);
  }

  async search(query: Float32Array, topK: number, filter: PassageSearchFilter): Promise<VectorHit[]> {
    checkTopK(topK);
    const archiveIds = [...new Set(filter.archiveIds)];
    if (topK === 0 || !archiveIds.length || !query.length) return [];
    const marker = await this.changeMarker();
    const archives = await Promise.all(archiveIds.map((archiveId) => this.current(archiveId, marker)));
    this.evict(new Set(archiveIds));

    const unitQuery = Float32Array.from(query);
    normalizeInPlace(unitQuery, 0, unitQuery.length);
    const rowFilter = hasRowFilter(filter) ? filter : null;
    const hits: { id: string; score: number }[] = [];
    for (const archive of archives) {
      const group = archive.group(filter.embeddingHandle, query.length);
      if (group) for (const hit of this.searchGroup(group, unitQuery, topK, group.rowsMatching(rowFilter))) hits.push({ id: group.idOf(hit.row), score: hit.score });
    }
    hits.sort((a, b) => b.score - a.score);
    return hits.slice(0, topK).map((hit) => ({ passageId: hit.id, score: hit.score }));
  }

  /** The group's nearest rows to `query` (unit length), among `rows` if given. */
  private searchGroup(group: VectorGroup, query: Float32Array, topK: number, rows: Int32Array | null): RowHit[] {
    const threads = this.options.threads;
    if (!rows) return group.searchAll(query, topK, threads);
    if (!rows.length) return [];
    if (rows.length > group.size * this.options.gatherFraction) return group.searchSkipping(query, topK, rows, threads);
    const length = rows.length * group.dimension;
    if (this.scratch.length < length) this.scratch = new Float32Array(Math.max(length, this.scratch.length * 2));
    return group.searchGathered(query, topK, rows, this.scratch, threads);
  }

  /** The archive's vectors, caught up with every committed row. */
  private current(archiveId: string, marker: string): Promise<ArchiveVectors> {
    let archive = this.archives.get(archiveId);
    if (!archive) this.archives.set(archiveId, (archive = new ArchiveVectors(archiveId, this.options.rowsPerChunk)));
    archive.lastUsed = ++this.clock;
    const cached = archive;
    const refreshed = cached.queue.then(() => this.refresh(cached, marker));
    cached.queue = refreshed.catch(() => undefined);
    return refreshed.then(() => cached);
  }

  private async refresh(archive: ArchiveVectors, marker: string): Promise<void> {
    if (archive.checkedAt === marker) return;
    // The count reads only the (archive_id, created_at, seq) index; the table's max(seq) is one
    // b-tree descent. Rows past archive.maxSeq are new (seqs only grow): in this archive or not.
    const { rows } = await sql<{ count: number; maxSeq: number | null }>`select (select count(*) from passages where archive_id = ${archive.archiveId}) as count, (select max(seq) from passages) as maxSeq`.execute(this.db);
    const count = Number(rows[0]!.count);
    const maxSeq = Number(rows[0]!.maxSeq ?? 0);
    if (maxSeq > archive.maxSeq) await this.load(archive, maxSeq);
    if (archive.count !== count) await this.dropDeleted(archive);
    archive.checkedAt = marker;
  }

  /**
   * Changes whenever this connection writes (`total_changes()`) or another connection commits
   * (`data_version`). Read before the table is, so a write that lands meanwhile changes it again.
   */
  private async changeMarker(): Promise<string> {
    const { rows } = await sql<{ changes: number; version: number }>`select total_changes() as changes, (select data_version from pragma_data_version) as version`.execute(this.db);
    return `${rows[0]!.changes}:${rows[0]!.version}`;
  }

  /** Reads the archive's rows in (archive.maxSeq, upTo]. */
  private async load(archive: ArchiveVectors, upTo: number): Promise<void> {
    if (archive.maxSeq === 0) {
      // First load: the archive's seqs from its index, then its rows by seq, a batch at a time.
      const seqs = (await this.liveSeqs(archive.archiveId)).filter((seq) => seq <= upTo);
      for (let start = 0; start < seqs.length; start += this.options.loadBatchRows) {
        const batch = Array.from(seqs.subarray(start, start + this.options.loadBatchRows));
        // A row deleted since the seqs were read is simply not found (and counted as deleted).
        for (const row of await this.rows().where('seq', 'in', batch).orderBy('seq').execute()) archive.add(row);
      }
      archive.maxSeq = upTo;
      return;
    }
    // Catching up: the new rows are at the end of the table. "+archive_id" keeps SQLite on the
    // rowid range rather than the archive's index, which would visit every row of the archive.
    for (;;) {
      const rows = await this.rows()
        .where(sql<SqlBool>`+archive_id = ${archive.archiveId}`)
        .where('seq', '>', archive.maxSeq)
        .where('seq', '<=', upTo)
        .orderBy('seq')
        .limit(this.options.loadBatchRows)
        .execute();
      for (const row of rows) archive.add(row);
      if (rows.length < this.options.loadBatchRows) break;
      archive.maxSeq = rows.at(-1)!.seq;
    }
    archive.maxSeq = upTo;
  }

  private rows() {
    return this.db.selectFrom('passages').select(['seq', 'id', 'embedding_handle', 'embedding_dim', 'embedding', 'tags', 'created_at']);
  }

  /** Marks dead the rows no longer in the table (deleted, alone or with their archive). */
  private async dropDeleted(archive: ArchiveVectors): Promise<void> {
    const live = (await this.liveSeqs(archive.archiveId)).filter((seq) => seq <= archive.maxSeq);
    let held = 0;
    for (const group of archive.groups.values()) held += group.retain(live);
    if (archive.unusable.size) {
      const liveSet = new Set(live);
      for (const seq of archive.unusable) if (!liveSet.has(seq)) archive.unusable.delete(seq);
    }
    held += archive.unusable.size;
    if (held !== live.length) {
      // A row the cache never saw (not expected: seqs only grow): read the archive afresh.
      archive.clear();
      if (live.length) await this.load(archive, live[live.length - 1]!);
    }
    for (const [key, group] of archive.groups) if (!group.liveCount) archive.groups.delete(key);
  }

  /**
   * The archive's seqs, ascending. One string from the covering (archive_id, created_at, seq)
   * index: a hundred thousand rows as objects cost several times more.
   */
  private async liveSeqs(archiveId: string): Promise<Float64Array> {
    const { rows } = await sql<{ seqs: string | null }>`select group_concat(seq) as seqs from passages where archive_id = ${archiveId}`.execute(this.db);
    const text = rows[0]?.seqs ?? '';
    if (!text) return new Float64Array(0);
    let count = 1;
    for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) === 44) count++;
    const seqs = new Float64Array(count);
    let next = 0;
    let value = 0;
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code === 44) {
        seqs[next++] = value;
        value = 0;
      } else {
        value = value * 10 + code - 48;
      }
    }
    seqs[next] = value;
    return seqs.sort();
  }

  /** Drops the least recently searched archives while the cache holds too much (never `inUse`). */
  private evict(inUse: Set<string>): void {
    let total = 0;
    for (const archive of this.archives.values()) total += archive.memoryBytes;
    if (total <= this.options.maxCachedBytes) return;
    const oldestFirst = [...this.archives.values()].filter((archive) => !inUse.has(archive.archiveId)).sort((a, b) => a.lastUsed - b.lastUsed);
    for (const archive of oldestFirst) {
      if (total <= this.options.maxCachedBytes) break;
      total -= archive.memoryBytes;
      this.archives.delete(archive.archiveId);
    }
  }
}
