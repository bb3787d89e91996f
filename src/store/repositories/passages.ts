import { sql } from 'kysely';
import type { JsonObject, NewPassage, Passage, PassageFilter } from '../../domain/archive.js';
import type { PageRequest } from '../../domain/pagination.js';
import { NotFoundError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { StoreDialect } from '../dialects/dialect.js';
import { decodeJson, encodeJson, now } from '../json.js';
import { paginate } from '../pagination.js';
import type { Executor } from '../store.js';
import type { PassageRow, VectorValue } from '../tables.js';
import { vectorFromBytes, vectorFromText, vectorToBytes, vectorToText } from '../vector/vector-codec.js';

/** A vector as the dialect stores it: float32 bytes in SQLite, pgvector's text form in Postgres. */
function encodeVector(dialect: StoreDialect, vector: Float32Array): VectorValue {
  return dialect.name === 'postgres' ? vectorToText(vector) : vectorToBytes(vector);
}

function decodeVector(value: unknown): Float32Array {
  return value instanceof Uint8Array ? vectorFromBytes(value) : vectorFromText(value);
}

function toPassage(row: PassageRow): Passage {
  return {
    id: row.id,
    archiveId: row.archive_id,
    text: row.text,
    tags: decodeJson<string[]>(row.tags),
    metadata: decodeJson<JsonObject | null>(row.metadata) ?? {},
    embeddingHandle: row.embedding_handle,
    embedding: decodeVector(row.embedding),
    fileId: row.file_id,
    createdById: row.created_by_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class PassageRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: StoreDialect,
  ) {}

  async insertMany(passages: NewPassage[]): Promise<Passage[]> {
    if (!passages.length) return [];
    const at = now();
    const rows = await this.db
      .insertInto('passages')
      .values(
        passages.map((passage) => ({
          id: newId('passage'),
          archive_id: passage.archiveId,
          text: passage.text,
          tags: encodeJson(passage.tags),
          metadata: encodeJson(passage.metadata),
          embedding_handle: passage.embeddingHandle,
          embedding_dim: passage.embedding.length,
          embedding: encodeVector(this.dialect, passage.embedding),
          file_id: passage.fileId ?? null,
          created_by_id: null,
          created_at: passage.createdAt ?? at,
          updated_at: at,
        })),
      )
      .returningAll()
      .execute();
    const tagRows = rows.flatMap((row) => [...new Set(decodeJson<string[]>(row.tags))].map((tag) => ({ passage_id: row.id, archive_id: row.archive_id, tag })));
    if (tagRows.length) await this.db.insertInto('passage_tags').values(tagRows).execute();
    return rows.sort((a, b) => a.seq - b.seq).map(toPassage);
  }

  async findMany(ids: string[]): Promise<Passage[]> {
    if (!ids.length) return [];
    return (await this.db.selectFrom('passages').selectAll().where('id', 'in', ids).execute()).map(toPassage);
  }

  async get(id: string): Promise<Passage> {
    const row = await this.db.selectFrom('passages').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('passage', id);
    return toPassage(row);
  }

  /** Passages of the archives, filtered, a page at a time (by creation time). */
  async list(archiveIds: string[], filter: PassageFilter, page: PageRequest): Promise<Passage[]> {
    if (!archiveIds.length) return [];
    let query = this.db.selectFrom('passages').selectAll('passages').where('passages.archive_id', 'in', archiveIds);
    if (filter.text) query = query.where(this.dialect.containsIgnoringCase(sql.ref('passages.text'), filter.text));
    if (filter.createdFrom) query = query.where('passages.created_at', '>=', filter.createdFrom);
    if (filter.createdTo) query = query.where('passages.created_at', '<=', filter.createdTo);
    const tags = filter.tags;
    if (tags?.values.length) {
      const matching = (eb: any) =>
        eb.selectFrom('passage_tags').select('passage_tags.passage_id').whereRef('passage_tags.passage_id', '=', 'passages.id').where('passage_tags.tag', 'in', tags.values);
      query =
        tags.mode === 'all'
          ? query.where((eb) => eb(eb.selectFrom('passage_tags').select((inner) => inner.fn.countAll().as('n')).whereRef('passage_tags.passage_id', '=', 'passages.id').where('passage_tags.tag', 'in', tags.values), '=', new Set(tags.values).size))
          : query.where((eb) => eb.exists(matching(eb)));
    }
    return (await paginate(this.db, 'passages', query, page)).map(toPassage);
  }

  async countByArchive(archiveIds: string[]): Promise<number> {
    if (!archiveIds.length) return 0;
    const row = await this.db.selectFrom('passages').select((eb) => eb.fn.countAll<number>().as('n')).where('archive_id', 'in', archiveIds).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The distinct tags of the archives' passages, sorted. */
  async tagsOf(archiveIds: string[]): Promise<string[]> {
    if (!archiveIds.length) return [];
    const rows = await this.db.selectFrom('passage_tags').select('tag').distinct().where('archive_id', 'in', archiveIds).orderBy('tag').execute();
    return rows.map((row) => row.tag);
  }

  async delete(archiveId: string, passageId: string): Promise<void> {
    await this.db.deleteFrom('passage_tags').where('passage_id', '=', passageId).execute();
    const result = await this.db.deleteFrom('passages').where('id', '=', passageId).where('archive_id', '=', archiveId).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new NotFoundError('passage', passageId, ` in archive ${archiveId}`);
  }
}
