import type { FileView } from '../../domain/folder.js';
import type { PageRequest } from '../../domain/pagination.js';
import { newId } from '../../ids.js';
import type { StoreDialect } from '../dialects/dialect.js';
import { insertBatches } from '../insert-batches.js';
import { groupBy } from './group-by.js';
import { flag, fromFlag, now } from '../json.js';
import { paginate } from '../pagination.js';
import type { Executor } from '../store.js';
import type { FileAgentRow } from '../tables.js';

type ViewRow = FileAgentRow & { file_name: string; folder_name: string };

function toView(row: ViewRow): FileView {
  return {
    id: row.id,
    agentId: row.agent_id,
    fileId: row.file_id,
    folderId: row.folder_id,
    folderName: row.folder_name,
    fileName: row.file_name,
    isOpen: fromFlag(row.is_open),
    visibleContent: row.visible_content,
    startLine: row.start_line,
    endLine: row.end_line,
    lastAccessedAt: row.last_accessed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

let lastTick = 0;

/**
 * Now, but always after the last time this process handed out: views made together list in the
 * order given, and least-recently-used closing never meets a tie between files opened together.
 */
function tick(): string {
  lastTick = Math.max(Date.now(), lastTick + 1);
  return new Date(lastTick).toISOString();
}

export interface OpenWindow {
  visibleContent: string;
  startLine: number | null;
  endLine: number | null;
}

/** Agents' views of the files of the folders attached to them (Letta's files_agents). */
export class FileViewRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: StoreDialect,
  ) {}

  private views() {
    return this.db
      .selectFrom('file_agents')
      .innerJoin('files', 'files.id', 'file_agents.file_id')
      .innerJoin('folders', 'folders.id', 'file_agents.folder_id')
      .selectAll('file_agents')
      .select(['files.file_name as file_name', 'folders.name as folder_name']);
  }

  /** Every view of the agent, oldest first (the order the prompt lists files in). */
  async ofAgent(agentId: string): Promise<FileView[]> {
    return (await this.ofAgents([agentId])).get(agentId) ?? [];
  }

  /** Every view of each agent, oldest first. */
  async ofAgents(agentIds: string[]): Promise<Map<string, FileView[]>> {
    if (!agentIds.length) return new Map();
    const rows = await this.views().where('file_agents.agent_id', 'in', agentIds).orderBy('file_agents.created_at').orderBy('file_agents.id').execute();
    return groupBy(rows.map(toView), (view) => view.agentId);
  }

  async page(agentId: string, filter: { isOpen?: boolean | null }, page: PageRequest): Promise<FileView[]> {
    let query = this.views().where('file_agents.agent_id', '=', agentId);
    if (filter.isOpen != null) query = query.where('file_agents.is_open', '=', flag(filter.isOpen));
    return (await paginate(this.db, 'file_agents', query, page)).map(toView);
  }

  async findByName(agentId: string, fileName: string): Promise<FileView | undefined> {
    const row = await this.views().where('file_agents.agent_id', '=', agentId).where('files.file_name', '=', fileName).executeTakeFirst();
    return row ? toView(row) : undefined;
  }

  async findByFile(agentId: string, fileId: string): Promise<FileView | undefined> {
    const row = await this.views().where('file_agents.agent_id', '=', agentId).where('file_agents.file_id', '=', fileId).executeTakeFirst();
    return row ? toView(row) : undefined;
  }

  /** Stores views as they are (an imported agent file's), listed in the order given. */
  async insertMany(views: Pick<FileView, 'agentId' | 'fileId' | 'folderId' | 'isOpen' | 'visibleContent' | 'startLine' | 'endLine' | 'lastAccessedAt'>[]): Promise<void> {
    const rows = views.map((view) => {
      const at = tick();
      return {
        id: newId('file_agent'),
        agent_id: view.agentId,
        file_id: view.fileId,
        folder_id: view.folderId,
        is_open: flag(view.isOpen),
        visible_content: view.visibleContent,
        start_line: view.startLine,
        end_line: view.endLine,
        last_accessed_at: view.lastAccessedAt,
        created_at: at,
        updated_at: at,
      };
    });
    for (const batch of insertBatches(rows)) await this.db.insertInto('file_agents').values(batch).execute();
  }

  /** Adds closed views of the files for the agent; files it already sees are left as they are. */
  async addClosed(agentId: string, files: { fileId: string; folderId: string }[]): Promise<void> {
    const rows = files.map((file) => {
      const at = tick();
      return {
        id: newId('file_agent'),
        agent_id: agentId,
        file_id: file.fileId,
        folder_id: file.folderId,
        is_open: 0,
        visible_content: null,
        start_line: null,
        end_line: null,
        last_accessed_at: at,
        created_at: at,
        updated_at: at,
      };
    });
    for (const batch of insertBatches(rows)) await this.db.insertInto('file_agents').values(batch).onConflict((oc) => oc.columns(['agent_id', 'file_id']).doNothing()).execute();
  }

  async open(agentId: string, fileId: string, window: OpenWindow): Promise<void> {
    const at = tick();
    await this.db
      .updateTable('file_agents')
      .set({ is_open: 1, visible_content: window.visibleContent, start_line: window.startLine, end_line: window.endLine, last_accessed_at: at, updated_at: at })
      .where('agent_id', '=', agentId)
      .where('file_id', '=', fileId)
      .execute();
  }

  async close(agentId: string, fileIds: string[]): Promise<void> {
    if (!fileIds.length) return;
    await this.db
      .updateTable('file_agents')
      .set({ is_open: 0, visible_content: null, start_line: null, end_line: null, updated_at: now() })
      .where('agent_id', '=', agentId)
      .where('file_id', 'in', fileIds)
      .execute();
  }

  async touch(agentId: string, fileIds: string[]): Promise<void> {
    if (!fileIds.length) return;
    const at = tick();
    await this.db.updateTable('file_agents').set({ last_accessed_at: at, updated_at: at }).where('agent_id', '=', agentId).where('file_id', 'in', fileIds).execute();
  }

  async removeFolder(agentId: string, folderId: string): Promise<void> {
    await this.db.deleteFrom('file_agents').where('agent_id', '=', agentId).where('folder_id', '=', folderId).execute();
  }
}
