import type { FileView, Folder, FolderFile } from '../domain/folder.js';
import { visibleText } from '../files/file-window.js';

/** Letta's Folder (and, under the older paths, Source: the same fields). */
export function toFolderWire(folder: Folder) {
  return {
    id: folder.id,
    name: folder.name,
    description: folder.description,
    instructions: folder.instructions,
    metadata: folder.metadata,
    embedding_config: folder.embeddingConfig,
    vector_db_provider: 'native',
    organization_id: null,
    created_by_id: folder.createdById,
    last_updated_by_id: folder.lastUpdatedById,
    created_at: folder.createdAt,
    updated_at: folder.updatedAt,
  };
}

/** Letta's FileMetadata; `content` only when it was asked for. */
export function toFileWire(file: FolderFile) {
  return {
    id: file.id,
    source_id: file.folderId,
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
    content: file.content ?? null,
    organization_id: null,
    created_at: file.createdAt,
    updated_at: file.updatedAt,
  };
}

/** One entry of `GET /v1/agents/{id}/files`. */
export function toAgentFileWire(view: FileView) {
  return {
    id: view.id,
    file_id: view.fileId,
    file_name: view.fileName,
    folder_id: view.folderId,
    folder_name: view.folderName,
    is_open: view.isOpen,
    last_accessed_at: view.lastAccessedAt,
    visible_content: view.isOpen ? view.visibleContent : null,
    start_line: view.startLine,
    end_line: view.endLine,
  };
}

/** A file as a read-only block of the agent's memory (`memory.file_blocks`). */
export function toFileBlockWire(view: FileView, perFileViewWindowCharLimit: number) {
  return {
    id: view.id,
    label: view.fileName,
    value: visibleText(view, perFileViewWindowCharLimit),
    limit: perFileViewWindowCharLimit,
    description: null,
    metadata: {},
    read_only: true,
    hidden: null,
    tags: [],
    file_id: view.fileId,
    source_id: view.folderId,
    is_open: view.isOpen,
    last_accessed_at: view.lastAccessedAt,
    is_template: false,
    preserve_on_migration: false,
    project_id: null,
    template_name: null,
    template_id: null,
    base_template_id: null,
    deployment_id: null,
    entity_id: null,
    created_by_id: null,
    last_updated_by_id: null,
  };
}
