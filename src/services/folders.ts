import type { JsonObject, Passage } from '../domain/archive.js';
import type { Folder, FolderFile } from '../domain/folder.js';
import type { PageRequest } from '../domain/pagination.js';
import { ConflictError, MnemoError, NotFoundError, ValidationError } from '../errors.js';
import { detectFileType } from '../files/file-types.js';
import type { Repositories } from '../store/repositories/index.js';
import type { Store } from '../store/store.js';
import type { PassageVectors } from '../store/vector/index.js';
import { detachFolderIn } from './agent-folders.js';
import type { ArchiveService, EmbeddingChoice } from './archives.js';
import { pageInMemory } from './blocks.js';
import type { FileIngestion } from './file-ingestion.js';
import { INSTANCE_ID } from './run-supervisor.js';

export type DuplicateHandling = 'skip' | 'error' | 'suffix' | 'replace';

export interface Upload {
  /** The name the client gave the file. */
  fileName: string;
  mimeType: string | null;
  bytes: Uint8Array;
  /** Stores the file under this name instead. */
  name?: string | null;
  duplicateHandling: DuplicateHandling;
}

export interface FolderCreate extends EmbeddingChoice {
  name: string;
  /** Tokens per chunk of the folder's files. */
  embedding_chunk_size?: number | null;
  description?: string | null;
  instructions?: string | null;
  metadata?: JsonObject | null;
}

export interface FolderUpdate {
  name?: string | null;
  description?: string | null;
  instructions?: string | null;
  metadata?: JsonObject | null;
  embedding_config?: JsonObject | null;
}

export interface FolderStats {
  totalFolders: number;
  totalFiles: number;
  totalSize: number;
  folders: { folder: Folder; fileCount: number; totalSize: number; files?: FolderFile[] }[];
}

class UnsupportedFileTypeError extends MnemoError {
  constructor(fileName: string, mimeType: string | null) {
    super(
      `Unsupported file type: ${mimeType || 'unknown'} (filename: ${fileName}). Supported: plain text, markdown, code, JSON, CSV, YAML, XML, HTML, PDF and docx.`,
      'UNSUPPORTED_FILE_TYPE',
      415,
    );
  }
}

/** Drops directories and control characters from an uploaded file's name. */
function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  return [...base].filter((char) => char >= ' ' && char !== '\u007f').join('').trim();
}

/** `name_(n).ext`, Letta's suffix for the n-th duplicate. */
function suffixed(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}_(${n})${name.slice(dot)}` : `${name}_(${n})`;
}

/** `folder/name.ext`, or with the lowest free `_(n)` suffix. */
async function freeName(repos: Repositories, folder: Folder, originalFileName: string): Promise<string> {
  const candidates = [`${folder.name}/${originalFileName}`, ...Array.from({ length: 100 }, (_, index) => `${folder.name}/${suffixed(originalFileName, index + 1)}`)];
  const taken = await repos.files.takenNames(folder.id, candidates);
  const free = candidates.find((name) => !taken.has(name));
  if (!free) throw new ConflictError(`Folder "${folder.name}" holds too many copies of "${originalFileName}"`, 'DUPLICATE_FILE');
  return free;
}

/** Folders, their files (uploaded and processed in the background) and their passages. */
export class FolderService {
  constructor(
    private readonly store: Store,
    private readonly archives: ArchiveService,
    private readonly ingestion: FileIngestion,
    private readonly vectors: PassageVectors,
  ) {}

  async create(request: FolderCreate): Promise<Folder> {
    const configured = await this.archives.embeddingConfigOf(request);
    const embeddingConfig = request.embedding_chunk_size ? { ...configured, embedding_chunk_size: request.embedding_chunk_size } : configured;
    return this.store.transaction(async (repos) => {
      if (await repos.folders.findByName(request.name)) throw new ConflictError(`A folder named "${request.name}" already exists`, 'FOLDER_NAME_TAKEN');
      return repos.folders.create({
        name: request.name,
        description: request.description ?? null,
        instructions: request.instructions ?? null,
        metadata: request.metadata ?? null,
        embeddingConfig,
      });
    });
  }

  get(folderId: string): Promise<Folder> {
    return this.store.repos.folders.get(folderId);
  }

  async idByName(name: string): Promise<string> {
    const folder = await this.store.repos.folders.findByName(name);
    if (!folder) throw new NotFoundError('folder', name, ' (by name)');
    return folder.id;
  }

  list(filter: { name?: string | null }, page: PageRequest): Promise<Folder[]> {
    return this.store.repos.folders.list(filter, page);
  }

  count(): Promise<number> {
    return this.store.repos.folders.count();
  }

  async update(folderId: string, patch: FolderUpdate): Promise<Folder> {
    return this.store.transaction(async (repos) => {
      const folder = await repos.folders.get(folderId);
      if (patch.name != null && patch.name !== folder.name && (await repos.folders.findByName(patch.name))) {
        throw new ConflictError(`A folder named "${patch.name}" already exists`, 'FOLDER_NAME_TAKEN');
      }
      // Files waiting to be embedded would be embedded with the old model, the others are already.
      if (patch.embedding_config && (await repos.files.statsByFolder([folderId])).get(folderId)?.fileCount) {
        throw ValidationError.field('embedding_config', 'cannot change while the folder holds files (their vectors would no longer compare); make a new folder');
      }
      if (patch.embedding_config) await repos.archives.update(folder.archiveId, { embeddingConfig: patch.embedding_config });
      return repos.folders.update(folderId, {
        ...(patch.name != null ? { name: patch.name } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.instructions !== undefined ? { instructions: patch.instructions } : {}),
        ...(patch.metadata !== undefined ? { metadata: patch.metadata } : {}),
      });
    });
  }

  /** Deletes the folder with its files and passages, and removes it from every agent, in one transaction. */
  async delete(folderId: string): Promise<void> {
    const folder = await this.store.transaction(async (repos) => {
      const found = await repos.folders.get(folderId);
      for (const agentId of await repos.folders.agentIdsOf(folderId)) await detachFolderIn(repos, agentId, folderId);
      // The folder, its files and their passages go with its archive (foreign keys cascade).
      await repos.archives.delete(found.archiveId, 'folder');
      return found;
    });
    this.vectors.invalidate(folder.archiveId);
  }

  async agentIds(folderId: string, page: PageRequest): Promise<string[]> {
    await this.store.repos.folders.get(folderId);
    const ids = await this.store.repos.folders.agentIdsOf(folderId);
    return pageInMemory(ids.map((id) => ({ id })), page).map((entry) => entry.id);
  }

  async stats(detailed: boolean): Promise<FolderStats> {
    const folders: Folder[] = [];
    for (let after: string | undefined; ; ) {
      const page = await this.store.repos.folders.list({}, { limit: 500, order: 'asc', ...(after ? { after } : {}) });
      folders.push(...page);
      if (page.length < 500) break;
      after = page.at(-1)!.id;
    }
    const byFolder = await this.store.repos.files.statsByFolder(folders.map((folder) => folder.id));
    const entries = await Promise.all(
      folders.map(async (folder) => ({
        folder,
        ...(byFolder.get(folder.id) ?? { fileCount: 0, totalSize: 0 }),
        ...(detailed ? { files: await this.store.repos.files.inFolder(folder.id) } : {}),
      })),
    );
    return {
      totalFolders: folders.length,
      totalFiles: entries.reduce((sum, entry) => sum + entry.fileCount, 0),
      totalSize: entries.reduce((sum, entry) => sum + entry.totalSize, 0),
      folders: entries,
    };
  }

  // Files.

  /**
   * Stores the upload's metadata and returns it at once; parsing and embedding follow in the
   * background. A duplicate name is handled as asked: a suffixed copy, an error, the existing
   * file, or a replacement.
   */
  async upload(folderId: string, upload: Upload): Promise<{ file: FolderFile; skipped: boolean }> {
    const folder = await this.store.repos.folders.get(folderId);
    const originalFileName = upload.name?.trim() || cleanFileName(upload.fileName);
    if (!originalFileName) throw ValidationError.field('file', 'the file has no name');
    const type = detectFileType(originalFileName, upload.mimeType);
    if (!type) throw new UnsupportedFileTypeError(originalFileName, upload.mimeType);
    if (!upload.bytes.length) throw ValidationError.field('file', `${originalFileName} is empty`);
    const result = await this.store.transaction(async (repos) => {
      const existing = await repos.files.findByOriginalName(folderId, originalFileName);
      if (existing && upload.duplicateHandling === 'skip') return { file: existing, skipped: true };
      if (existing && upload.duplicateHandling === 'error') {
        throw new ConflictError(`File "${originalFileName}" already exists in folder "${folder.name}"`, 'DUPLICATE_FILE', { file_id: existing.id });
      }
      if (existing && upload.duplicateHandling === 'replace') await repos.files.delete(existing.id);
      const fileName = await freeName(repos, folder, originalFileName);
      const file = await repos.files.create({ folderId, fileName, originalFileName, fileType: type.mimeType, fileSize: upload.bytes.length }, INSTANCE_ID);
      return { file, skipped: false };
    });
    if (!result.skipped) this.ingestion.enqueueUpload(folder, result.file, upload.bytes, type);
    return result;
  }

  async files(folderId: string, page: PageRequest, includeContent: boolean): Promise<FolderFile[]> {
    await this.store.repos.folders.get(folderId);
    return this.store.repos.files.list(folderId, page, { content: includeContent });
  }

  file(folderId: string, fileId: string, includeContent: boolean): Promise<FolderFile> {
    return this.store.repos.files.getInFolder(folderId, fileId, { content: includeContent });
  }

  /** Deletes the file, its passages and every agent's view of it. */
  async deleteFile(folderId: string, fileId: string): Promise<void> {
    const folder = await this.store.transaction(async (repos) => {
      const found = await repos.folders.get(folderId);
      await repos.files.getInFolder(folderId, fileId);
      await repos.files.delete(fileId);
      return found;
    });
    this.vectors.invalidate(folder.archiveId);
  }

  /** Starts embedding imported files whose text is stored but not yet embedded. */
  async reindexFiles(fileIds: string[]): Promise<void> {
    const files = await this.store.repos.files.findMany(fileIds);
    const folders = new Map((await this.store.repos.folders.findMany([...new Set(files.map((file) => file.folderId))])).map((folder) => [folder.id, folder]));
    for (const file of files) {
      const folder = folders.get(file.folderId);
      if (folder && file.processingStatus === 'pending') this.ingestion.enqueueStored(folder, file);
    }
  }

  async passages(folderId: string, page: PageRequest): Promise<{ folder: Folder; passages: Passage[]; fileNames: Map<string, string> }> {
    const folder = await this.store.repos.folders.get(folderId);
    const passages = await this.store.repos.passages.list([folder.archiveId], {}, page);
    const fileIds = [...new Set(passages.flatMap((passage) => (passage.fileId ? [passage.fileId] : [])))];
    const fileNames = new Map((await this.store.repos.files.findMany(fileIds)).map((file) => [file.id, file.fileName]));
    return { folder, passages, fileNames };
  }
}
