import type { Archive, Passage } from '../domain/archive.js';
import { isoInTimezone } from '../memory/local-time.js';

export function toArchiveWire(archive: Archive) {
  return {
    id: archive.id,
    name: archive.name,
    description: archive.description,
    vector_db_provider: archive.vectorDbProvider,
    embedding_config: archive.embeddingConfig,
    metadata: archive.metadata,
    organization_id: null,
    created_by_id: archive.createdById,
    last_updated_by_id: archive.lastUpdatedById,
    created_at: archive.createdAt,
    updated_at: archive.updatedAt,
  };
}

/** Letta's Passage, with its vector and its archive's embedding config; a folder's passages name their file. */
export function toPassageWire(passage: Passage, embeddingConfig: Record<string, unknown> | null, origin?: { folderId: string; fileName: string | null }) {
  return {
    id: passage.id,
    text: passage.text,
    archive_id: origin ? null : passage.archiveId,
    source_id: origin?.folderId ?? null,
    file_id: passage.fileId,
    file_name: origin?.fileName ?? null,
    metadata: passage.metadata,
    tags: passage.tags,
    embedding: Array.from(passage.embedding),
    embedding_config: embeddingConfig,
    is_deleted: false,
    organization_id: null,
    created_by_id: passage.createdById,
    last_updated_by_id: null,
    created_at: passage.createdAt,
    updated_at: passage.updatedAt,
  };
}

/** An archival search hit as the agent's search endpoint and tool show it. */
export function toArchivalSearchResult(passage: Passage, timezone: string) {
  return { id: passage.id, timestamp: isoInTimezone(passage.createdAt, timezone), content: passage.text, tags: passage.tags };
}
