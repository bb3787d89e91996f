import type { NewMessage } from '../../domain/message.js';
import type { ExportedMessage, SnapshotFile, SnapshotFolder } from '../../agent-file/snapshot.js';
import { newId } from '../../ids.js';
import type { StoreDialect } from '../dialects/dialect.js';
import { insertBatches } from '../insert-batches.js';
import { fromFlag, now } from '../json.js';
import type { Executor } from '../store.js';
import type { FileRow, FolderRow, MessageRow } from '../tables.js';
import { toFile } from './files.js';
import { toFolder } from './folders.js';
import { toMessage, toMessageRow, type ImportedApproval } from './messages.js';

export type ImportedMessage = NewMessage & ImportedApproval & { id: string; createdAt: string };

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


  // Import.

  async takenFolderNames(names: string[]): Promise<Set<string>> {
    if (!names.length) return new Set();
    const rows = await this.db.selectFrom('folders').select('name').where('name', 'in', names).execute();
    return new Set(rows.map((row) => row.name));
  }

  /** Inserts in the given order, so the store's `seq` keeps the conversation's order. */
  async insertMessages(messages: ImportedMessage[]): Promise<void> {
    for (const chunk of insertBatches(messages)) {
      await this.db
        .insertInto('messages')
        .values(chunk.map((message) => toMessageRow(message, message.createdAt)))
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
}
