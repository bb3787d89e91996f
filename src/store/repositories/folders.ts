import type { JsonObject } from '../../domain/archive.js';
import type { Folder } from '../../domain/folder.js';
import type { PageRequest } from '../../domain/pagination.js';
import { NotFoundError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { StoreDialect } from '../dialects/dialect.js';
import { decodeJson, encodeJsonOrNull, now } from '../json.js';
import { countRows, paginate } from '../pagination.js';
import type { Executor } from '../store.js';
import type { FolderRow } from '../tables.js';
import { ArchiveRepository } from './archives.js';
import { groupBy } from './group-by.js';

export function toFolder(row: FolderRow & { embedding_config: string | null }): Folder {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    instructions: row.instructions,
    metadata: decodeJson<JsonObject | null>(row.metadata),
    embeddingConfig: decodeJson<JsonObject | null>(row.embedding_config) ?? {},
    archiveId: row.archive_id,
    createdById: row.created_by_id,
    lastUpdatedById: row.last_updated_by_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface FolderFields {
  name: string;
  description: string | null;
  instructions: string | null;
  metadata: JsonObject | null;
  /** Of the passages of its files, kept on the folder's archive. */
  embeddingConfig: JsonObject;
}

export type FolderPatch = Partial<Pick<FolderFields, 'name' | 'description' | 'instructions' | 'metadata'>>;

/** Folders and which agents they are attached to. */
export class FolderRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: StoreDialect,
  ) {}

  /** A folder with the archive (of kind 'folder') that holds its files' passages. */
  async create(fields: FolderFields): Promise<Folder> {
    const archive = await new ArchiveRepository(this.db, this.dialect).create({ name: `folder ${fields.name}`, description: null, embeddingConfig: fields.embeddingConfig, kind: 'folder' });
    const at = now();
    const row = await this.db
      .insertInto('folders')
      .values({
        id: newId('source'),
        name: fields.name,
        description: fields.description,
        instructions: fields.instructions,
        metadata: encodeJsonOrNull(fields.metadata),
        archive_id: archive.id,
        created_by_id: null,
        last_updated_by_id: null,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return this.get(row.id);
  }

  /** Folders with their archive's embedding config. */
  private folders() {
    return this.db.selectFrom('folders').innerJoin('archives', 'archives.id', 'folders.archive_id').selectAll('folders').select('archives.embedding_config');
  }

  async find(id: string): Promise<Folder | undefined> {
    const row = await this.folders().where('folders.id', '=', id).executeTakeFirst();
    return row ? toFolder(row) : undefined;
  }

  async get(id: string): Promise<Folder> {
    const folder = await this.find(id);
    if (!folder) throw new NotFoundError('folder', id);
    return folder;
  }

  async findByName(name: string): Promise<Folder | undefined> {
    const row = await this.folders().where('folders.name', '=', name).executeTakeFirst();
    return row ? toFolder(row) : undefined;
  }

  async findMany(ids: string[]): Promise<Folder[]> {
    if (!ids.length) return [];
    return (await this.folders().where('folders.id', 'in', ids).execute()).map(toFolder);
  }

  async list(filter: { name?: string | null }, page: PageRequest): Promise<Folder[]> {
    let query = this.folders();
    if (filter.name) query = query.where('folders.name', '=', filter.name);
    return (await paginate(this.db, 'folders', query, page)).map(toFolder);
  }

  count(): Promise<number> {
    return countRows(this.db.selectFrom('folders').select('id'));
  }

  async update(id: string, patch: FolderPatch): Promise<Folder> {
    const row = await this.db
      .updateTable('folders')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.instructions !== undefined ? { instructions: patch.instructions } : {}),
        ...(patch.metadata !== undefined ? { metadata: encodeJsonOrNull(patch.metadata) } : {}),
        updated_at: now(),
      })
      .where('id', '=', id)
      .executeTakeFirst();
    if (row.numUpdatedRows === 0n) throw new NotFoundError('folder', id);
    return this.get(id);
  }

  // Attachment to agents.

  async attach(agentId: string, folderId: string): Promise<boolean> {
    const result = await this.db
      .insertInto('agent_folders')
      .values({ agent_id: agentId, folder_id: folderId, created_at: now() })
      .onConflict((oc) => oc.columns(['agent_id', 'folder_id']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async detach(agentId: string, folderId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('agent_folders').where('agent_id', '=', agentId).where('folder_id', '=', folderId).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async agentIdsOf(folderId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('agent_folders').select('agent_id').where('folder_id', '=', folderId).orderBy('created_at').orderBy('agent_id').execute();
    return rows.map((row) => row.agent_id);
  }

  /** The folders attached to each agent, in attachment order. */
  async ofAgents(agentIds: string[]): Promise<Map<string, Folder[]>> {
    if (!agentIds.length) return new Map();
    const rows = await this.folders()
      .innerJoin('agent_folders', 'agent_folders.folder_id', 'folders.id')
      .select('agent_folders.agent_id')
      .where('agent_folders.agent_id', 'in', agentIds)
      .orderBy('agent_folders.created_at')
      .orderBy('folders.id')
      .execute();
    return new Map([...groupBy(rows, (row) => row.agent_id)].map(([agentId, group]) => [agentId, group.map(toFolder)]));
  }
}
