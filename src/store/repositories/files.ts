import type { FileFields, FileProcessingStatus, FolderFile, NewFolderFile } from '../../domain/folder.js';
import type { PageRequest } from '../../domain/pagination.js';
import { NotFoundError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { StoreDialect } from '../dialects/dialect.js';
import { insertBatches } from '../insert-batches.js';
import { now } from '../json.js';
import { paginate } from '../pagination.js';
import type { Executor } from '../store.js';
import type { FileRow } from '../tables.js';

const UNFINISHED: FileProcessingStatus[] = ['pending', 'parsing', 'embedding'];

/** The statuses a file may move to from each status: forward only, and error from any unfinished one. */
const NEXT: Record<FileProcessingStatus, FileProcessingStatus[]> = {
  pending: ['parsing', 'error'],
  parsing: ['embedding', 'completed', 'error'],
  embedding: ['completed', 'error'],
  completed: [],
  error: [],
};

export function toFile(row: Omit<FileRow, 'content'> & { content?: string | null }): FolderFile {
  return {
    id: row.id,
    folderId: row.folder_id,
    fileName: row.file_name,
    originalFileName: row.original_file_name,
    filePath: row.file_path,
    fileType: row.file_type,
    fileSize: Number(row.file_size),
    fileCreationDate: row.file_creation_date,
    fileLastModifiedDate: row.file_last_modified_date,
    processingStatus: row.processing_status as FileProcessingStatus,
    errorMessage: row.error_message,
    totalChunks: row.total_chunks,
    chunksEmbedded: row.chunks_embedded,
    ...('content' in row ? { content: row.content } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const METADATA_COLUMNS = [
  'id',
  'folder_id',
  'file_name',
  'original_file_name',
  'file_path',
  'file_type',
  'file_size',
  'file_creation_date',
  'file_last_modified_date',
  'processing_status',
  'error_message',
  'total_chunks',
  'chunks_embedded',
  'owner_id',
  'heartbeat_at',
  'created_at',
  'updated_at',
] as const;

function toFileRow(file: FileFields, at: string, ownerId: string | null) {
  return {
    id: newId('file'),
    folder_id: file.folderId,
    file_name: file.fileName,
    original_file_name: file.originalFileName,
    file_path: file.filePath,
    file_type: file.fileType,
    file_size: file.fileSize,
    file_creation_date: file.fileCreationDate,
    file_last_modified_date: file.fileLastModifiedDate,
    processing_status: file.processingStatus,
    error_message: file.errorMessage,
    total_chunks: file.totalChunks,
    chunks_embedded: file.chunksEmbedded,
    content: file.content,
    owner_id: ownerId,
    heartbeat_at: ownerId ? at : null,
    created_at: at,
    updated_at: at,
  };
}

/** What one status change sets besides the status. */
export interface FileProgress {
  errorMessage?: string;
  content?: string;
  totalChunks?: number;
  chunksEmbedded?: number;
}

/** The files of folders. A file's text is read only when asked for (it can be megabytes). */
export class FileRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: StoreDialect,
  ) {}

  /** A new upload, pending, owned by the process that will process it. */
  async create(file: NewFolderFile, ownerId: string): Promise<FolderFile> {
    const at = now();
    const fields: FileFields = { ...file, filePath: null, fileCreationDate: at, fileLastModifiedDate: at, processingStatus: 'pending', errorMessage: null, totalChunks: null, chunksEmbedded: null, content: null };
    const row = await this.db
      .insertInto('files')
      .values(toFileRow(fields, at, ownerId))
      .returning(METADATA_COLUMNS)
      .executeTakeFirstOrThrow();
    return toFile(row);
  }

  /**
   * Stores files as they are (imported ones); those still to process are owned by `ownerId`, the
   * process that will process them. Returns their new ids in the given order.
   */
  async insertMany(files: FileFields[], ownerId: string): Promise<string[]> {
    const at = now();
    const rows = files.map((file) => toFileRow(file, at, UNFINISHED.includes(file.processingStatus) ? ownerId : null));
    for (const batch of insertBatches(rows)) await this.db.insertInto('files').values(batch).execute();
    return rows.map((row) => row.id);
  }

  /** Files' metadata, and their text when asked for. */
  private files(options: { content?: boolean }) {
    return this.db
      .selectFrom('files')
      .select(METADATA_COLUMNS)
      .$if(Boolean(options.content), (query) => query.select('content'));
  }

  async find(id: string, options: { content?: boolean } = {}): Promise<FolderFile | undefined> {
    const row = await this.files(options).where('id', '=', id).executeTakeFirst();
    return row ? toFile(row) : undefined;
  }

  /** The file, which must be in the folder. */
  async getInFolder(folderId: string, id: string, options: { content?: boolean } = {}): Promise<FolderFile> {
    const file = await this.find(id, options);
    if (!file || file.folderId !== folderId) throw new NotFoundError('file', id, ` in folder ${folderId}`);
    return file;
  }

  async findMany(ids: string[], options: { content?: boolean } = {}): Promise<FolderFile[]> {
    if (!ids.length) return [];
    return (await this.files(options).where('id', 'in', ids).execute()).map(toFile);
  }

  async list(folderId: string, page: PageRequest, options: { content?: boolean } = {}): Promise<FolderFile[]> {
    return (await paginate(this.db, 'files', this.files(options).where('folder_id', '=', folderId), page)).map(toFile);
  }

  /** A folder's files, oldest first; `parsedOnly` leaves out those whose text is not extracted yet. */
  async inFolder(folderId: string, options: { parsedOnly?: boolean } = {}): Promise<FolderFile[]> {
    const rows = await this.files({})
      .where('folder_id', '=', folderId)
      .$if(Boolean(options.parsedOnly), (query) => query.where('content', 'is not', null))
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toFile);
  }

  async findByOriginalName(folderId: string, originalFileName: string): Promise<FolderFile | undefined> {
    const row = await this.files({}).where('folder_id', '=', folderId).where('original_file_name', '=', originalFileName).orderBy('created_at').executeTakeFirst();
    return row ? toFile(row) : undefined;
  }

  async takenNames(folderId: string, names: string[]): Promise<Set<string>> {
    if (!names.length) return new Set();
    const rows = await this.db.selectFrom('files').select('file_name').where('folder_id', '=', folderId).where('file_name', 'in', names).execute();
    return new Set(rows.map((row) => row.file_name));
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('files').where('id', '=', id).execute();
  }

  /**
   * Moves the file to `status` if that is a step forward from where it is, and sets the progress
   * given. False when it was not (already finished, deleted, or moved on by someone else).
   */
  async advance(id: string, status: FileProcessingStatus, progress: FileProgress = {}): Promise<boolean> {
    const from = (Object.keys(NEXT) as FileProcessingStatus[]).filter((candidate) => NEXT[candidate].includes(status));
    const at = now();
    const result = await this.db
      .updateTable('files')
      .set({
        processing_status: status,
        ...(progress.errorMessage !== undefined ? { error_message: progress.errorMessage } : {}),
        ...(progress.content !== undefined ? { content: progress.content } : {}),
        ...(progress.totalChunks !== undefined ? { total_chunks: progress.totalChunks } : {}),
        ...(progress.chunksEmbedded !== undefined ? { chunks_embedded: progress.chunksEmbedded } : {}),
        ...(status === 'completed' || status === 'error' ? { owner_id: null } : { heartbeat_at: at }),
        updated_at: at,
      })
      .where('id', '=', id)
      .where('processing_status', 'in', from)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Records embedding progress; false when the file is no longer being embedded (deleted, failed). */
  async embedded(id: string, chunksEmbedded: number): Promise<boolean> {
    const at = now();
    const result = await this.db
      .updateTable('files')
      .set({ chunks_embedded: chunksEmbedded, heartbeat_at: at, updated_at: at })
      .where('id', '=', id)
      .where('processing_status', '=', 'embedding')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Marks this process's unfinished files alive. */
  async beat(ownerId: string): Promise<void> {
    await this.db.updateTable('files').set({ heartbeat_at: now() }).where('owner_id', '=', ownerId).where('processing_status', 'in', UNFINISHED).execute();
  }

  /**
   * Fails unfinished files whose process is gone: all of them (the embedded store, at start-up), or
   * those whose owner has not beaten since `staleBefore` (a shared store). Returns their ids.
   */
  async failAbandoned(message: string, staleBefore?: string): Promise<string[]> {
    const rows = await this.db
      .updateTable('files')
      .set({ processing_status: 'error', error_message: message, owner_id: null, updated_at: now() })
      .where('processing_status', 'in', UNFINISHED)
      .$if(staleBefore !== undefined, (query) => query.where((eb) => eb.or([eb('heartbeat_at', 'is', null), eb('heartbeat_at', '<', staleBefore!)])))
      .returning('id')
      .execute();
    return rows.map((row) => row.id);
  }

  /** Per folder: how many files, and their total size. */
  async statsByFolder(folderIds: string[]): Promise<Map<string, { fileCount: number; totalSize: number }>> {
    const stats = new Map<string, { fileCount: number; totalSize: number }>();
    if (!folderIds.length) return stats;
    const rows = await this.db
      .selectFrom('files')
      .select((eb) => ['folder_id', eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('file_size').as('size')])
      .where('folder_id', 'in', folderIds)
      .groupBy('folder_id')
      .execute();
    for (const row of rows) stats.set(row.folder_id, { fileCount: Number(row.n), totalSize: Number(row.size ?? 0) });
    return stats;
  }
}
