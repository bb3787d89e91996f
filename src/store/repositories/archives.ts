import type { Archive, JsonObject } from '../../domain/archive.js';
import type { PageRequest } from '../../domain/pagination.js';
import { NotFoundError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { StoreDialect } from '../dialects/dialect.js';
import { decodeJson, encodeJson, encodeJsonOrNull, now } from '../json.js';
import { paginate } from '../pagination.js';
import type { Executor } from '../store.js';
import type { ArchiveKind, ArchiveRow } from '../tables.js';

function toArchive(row: ArchiveRow): Archive {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    embeddingConfig: decodeJson<JsonObject | null>(row.embedding_config),
    vectorDbProvider: row.vector_db_provider,
    metadata: decodeJson<JsonObject | null>(row.metadata),
    createdById: row.created_by_id,
    lastUpdatedById: row.last_updated_by_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface ArchiveListFilter {
  name?: string | null;
  agentId?: string | null;
}

export class ArchiveRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: StoreDialect,
  ) {}

  /** An archive; kind 'folder' makes the hidden archive of a folder's passages. */
  async create(fields: { name: string; description: string | null; embeddingConfig: JsonObject | null; metadata?: JsonObject | null; kind?: ArchiveKind }): Promise<Archive> {
    const at = now();
    const row = await this.db
      .insertInto('archives')
      .values({
        id: newId('archive'),
        name: fields.name,
        description: fields.description,
        embedding_config: encodeJsonOrNull(fields.embeddingConfig),
        vector_db_provider: 'native',
        metadata: encodeJsonOrNull(fields.metadata ?? null),
        kind: fields.kind ?? 'archival',
        created_by_id: null,
        last_updated_by_id: null,
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toArchive(row);
  }

  /** An archival-memory archive (folders' archives are reached through their folders). */
  async find(id: string): Promise<Archive | undefined> {
    const row = await this.db.selectFrom('archives').selectAll().where('id', '=', id).where('kind', '=', 'archival').executeTakeFirst();
    return row ? toArchive(row) : undefined;
  }

  async get(id: string): Promise<Archive> {
    const archive = await this.find(id);
    if (!archive) throw new NotFoundError('archive', id);
    return archive;
  }

  /** The stored embedding config of an archive of any kind (a folder's too). */
  async embeddingConfigOf(id: string): Promise<JsonObject | null> {
    const row = await this.db.selectFrom('archives').select('embedding_config').where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('archive', id);
    return decodeJson<JsonObject | null>(row.embedding_config);
  }

  async list(filter: ArchiveListFilter, page: PageRequest): Promise<Archive[]> {
    let query = this.db.selectFrom('archives').selectAll('archives').where('archives.kind', '=', 'archival');
    if (filter.name) query = query.where('archives.name', '=', filter.name);
    if (filter.agentId) {
      const agentId = filter.agentId;
      query = query.where((eb) => eb.exists(eb.selectFrom('agent_archives').select('agent_id').whereRef('agent_archives.archive_id', '=', 'archives.id').where('agent_archives.agent_id', '=', agentId)));
    }
    return (await paginate(this.db, 'archives', query, page)).map(toArchive);
  }

  async update(id: string, patch: { name?: string; description?: string | null; embeddingConfig?: JsonObject }): Promise<Archive> {
    const row = await this.db
      .updateTable('archives')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.embeddingConfig !== undefined ? { embedding_config: encodeJson(patch.embeddingConfig) } : {}),
        updated_at: now(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFoundError('archive', id);
    return toArchive(row);
  }

  async delete(id: string, kind: ArchiveKind = 'archival'): Promise<void> {
    // Passage tags are not tied to the archive by a foreign key: clear them with it.
    await this.db.deleteFrom('passage_tags').where('archive_id', '=', id).execute();
    const result = await this.db.deleteFrom('archives').where('id', '=', id).where('kind', '=', kind).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new NotFoundError('archive', id);
  }

  async archiveIdOfAgent(agentId: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('agent_archives').select('archive_id').where('agent_id', '=', agentId).executeTakeFirst();
    return row?.archive_id;
  }

  async archiveIdsOfAgents(agentIds: string[]): Promise<Map<string, string>> {
    if (!agentIds.length) return new Map();
    const rows = await this.db.selectFrom('agent_archives').select(['agent_id', 'archive_id']).where('agent_id', 'in', agentIds).execute();
    return new Map(rows.map((row) => [row.agent_id, row.archive_id]));
  }

  async attach(agentId: string, archiveId: string): Promise<void> {
    await this.db.insertInto('agent_archives').values({ agent_id: agentId, archive_id: archiveId, created_at: now() }).execute();
  }

  async detach(agentId: string, archiveId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('agent_archives').where('agent_id', '=', agentId).where('archive_id', '=', archiveId).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async agentIdsOf(archiveId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('agent_archives').select('agent_id').where('archive_id', '=', archiveId).orderBy('created_at').execute();
    return rows.map((row) => row.agent_id);
  }
}
