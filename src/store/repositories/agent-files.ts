import type { NewMessage } from '../../domain/message.js';
import type { ExportedMessage, SnapshotFile, SnapshotFileAgent, SnapshotFolder } from '../../agent-file/snapshot.js';
import { newId } from '../../ids.js';
import type { StoreDialect } from '../dialects/dialect.js';
import { flag, fromFlag, now } from '../json.js';
import type { Executor } from '../store.js';
import type { FileAgentRow, FileRow, FolderRow, MessageRow } from '../tables.js';
import { toFile } from './files.js';
import { toFolder } from './folders.js';
import { toMessage, toMessageRow } from './messages.js';

/** Rows per multi-row insert: well under SQLite's 32,766 and Postgres' 65,535 bound parameters. */
const INSERT_CHUNK = 500;

export type ImportedMessage = NewMessage & { id: string; createdAt: string; approve: boolean | null; approvalRequestId: string | null; denialReason: string | null };

export type NewFileAgent = SnapshotFileAgent & { agentId: string };

function toExportedMessage(row: MessageRow): ExportedMessage {
  return { ...toMessage(row), approve: fromFlag(row.approve), approvalRequestId: row.approval_request_id, denialReason: row.denial_reason };
}

function toSnapshotFolder(row: FolderRow & { embedding_config: string | null }): SnapshotFolder {
  const { id, name, description, instructions, metadata, embeddingConfig } = toFolder(row);
  return { id, name, description, instructions, metadata, embeddingConfig };
}

function toSnapshotFile(row: FileRow): SnapshotFile {
  const { createdAt: _createdAt, updatedAt: _updatedAt, ...file } = toFile(row);
  return { ...file, content: row.content };
}

function toSnapshotFileAgent(row: FileAgentRow): SnapshotFileAgent {
  return {
    fileId: row.file_id,
    folderId: row.folder_id,
    isOpen: fromFlag(row.is_open),
    visibleContent: row.visible_content,
    startLine: row.start_line,
    endLine: row.end_line,
    lastAccessedAt: row.last_accessed_at,
  };
}

function chunks<T>(items: T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += INSERT_CHUNK) result.push(items.slice(start, start + INSERT_CHUNK));
  return result;
}

/** Bulk reads for exporting an agent file and bulk writes for importing one. */
export class AgentFileRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: StoreDialect,
  ) {}

  // Export.

  async messagesOfConversation(conversationId: string): Promise<ExportedMessage[]> {
    const rows = await this.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).orderBy('seq').execute();
    return rows.map(toExportedMessage);
  }

  /** The agent's attached folders and any folder it holds a file view of. */
  async foldersOfAgent(agentId: string): Promise<SnapshotFolder[]> {
    const rows = await this.db
      .selectFrom('folders')
      .innerJoin('archives', 'archives.id', 'folders.archive_id')
      .selectAll('folders')
      .select('archives.embedding_config')
      .where((eb) =>
        eb.or([
          eb('folders.id', 'in', eb.selectFrom('agent_folders').select('folder_id').where('agent_id', '=', agentId)),
          eb('folders.id', 'in', eb.selectFrom('file_agents').select('folder_id').where('agent_id', '=', agentId)),
        ]),
      )
      .orderBy('folders.name')
      .execute();
    return rows.map(toSnapshotFolder);
  }

  async filesOfFolders(folderIds: string[]): Promise<SnapshotFile[]> {
    if (!folderIds.length) return [];
    const rows = await this.db.selectFrom('files').selectAll().where('folder_id', 'in', folderIds).orderBy('file_name').execute();
    return rows.map(toSnapshotFile);
  }

  async fileAgentsOf(agentId: string): Promise<SnapshotFileAgent[]> {
    const rows = await this.db.selectFrom('file_agents').selectAll().where('agent_id', '=', agentId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toSnapshotFileAgent);
  }

  // Import.

  async takenFolderNames(names: string[]): Promise<Set<string>> {
    if (!names.length) return new Set();
    const rows = await this.db.selectFrom('folders').select('name').where('name', 'in', names).execute();
    return new Set(rows.map((row) => row.name));
  }

  /** Inserts in the given order, so the store's `seq` keeps the conversation's order. */
  async insertMessages(messages: ImportedMessage[]): Promise<void> {
    for (const chunk of chunks(messages)) {
      await this.db
        .insertInto('messages')
        .values(
          chunk.map((message) => ({
            ...toMessageRow({ ...message, stepId: null, runId: null }, message.createdAt),
            approve: flag(message.approve),
            approval_request_id: message.approvalRequestId,
            denial_reason: message.denialReason,
          })),
        )
        .execute();
    }
  }

  async attachFolders(agentId: string, folderIds: string[]): Promise<void> {
    if (!folderIds.length) return;
    const at = now();
    await this.db
      .insertInto('agent_folders')
      .values(folderIds.map((folderId) => ({ agent_id: agentId, folder_id: folderId, created_at: at })))
      .execute();
  }

  async insertFileAgents(links: NewFileAgent[]): Promise<void> {
    const at = now();
    const rows = links.map((link) => ({
      id: newId('file_agent'),
      agent_id: link.agentId,
      file_id: link.fileId,
      folder_id: link.folderId,
      is_open: flag(link.isOpen),
      visible_content: link.visibleContent,
      start_line: link.startLine,
      end_line: link.endLine,
      last_accessed_at: link.lastAccessedAt,
      created_at: at,
      updated_at: at,
    }));
    for (const chunk of chunks(rows)) await this.db.insertInto('file_agents').values(chunk).execute();
  }
}
