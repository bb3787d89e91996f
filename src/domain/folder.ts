import type { JsonObject } from './archive.js';

/** A folder ("source" in Letta's older API) of uploaded files that agents can attach. */
export interface Folder {
  id: string;
  name: string;
  description: string | null;
  instructions: string | null;
  metadata: JsonObject | null;
  /** Letta's EmbeddingConfig: every passage of the folder's files is embedded with it. */
  embeddingConfig: JsonObject;
  /** The archive (of kind 'folder') that holds the passages of the folder's files. */
  archiveId: string;
  createdById: string | null;
  lastUpdatedById: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Processing moves forward only: pending → parsing → embedding → completed, or to error from any. */
export type FileProcessingStatus = 'pending' | 'parsing' | 'embedding' | 'completed' | 'error';

export interface FolderFile {
  id: string;
  folderId: string;
  /** Unique within the folder and prefixed with its name, as Letta names files: `docs/guide.md`. */
  fileName: string;
  originalFileName: string;
  filePath: string | null;
  fileType: string;
  fileSize: number;
  fileCreationDate: string | null;
  fileLastModifiedDate: string | null;
  processingStatus: FileProcessingStatus;
  errorMessage: string | null;
  totalChunks: number | null;
  chunksEmbedded: number | null;
  /** The extracted text; only loaded when asked for. */
  content?: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A file as stored, apart from its id and timestamps. */
export type FileFields = Omit<FolderFile, 'id' | 'createdAt' | 'updatedAt' | 'content'> & { content: string | null };

export type NewFolderFile = Pick<FolderFile, 'folderId' | 'fileName' | 'originalFileName' | 'fileType' | 'fileSize'>;

/** An agent's view of one file of an attached folder: open (with a window of it in context) or closed. */
export interface FileView {
  id: string;
  agentId: string;
  fileId: string;
  folderId: string;
  folderName: string;
  fileName: string;
  isOpen: boolean;
  visibleContent: string | null;
  startLine: number | null;
  endLine: number | null;
  lastAccessedAt: string;
  createdAt: string;
  updatedAt: string;
}

/** What the compiled prompt's directories section shows of one attached folder. */
export interface DirectoryView {
  folder: Pick<Folder, 'id' | 'name' | 'description' | 'instructions'>;
  files: FileView[];
}
