export type JsonObject = Record<string, unknown>;

/** An archive of passages (archival memory), which one or more agents search. */
export interface Archive {
  id: string;
  name: string;
  description: string | null;
  /** The embedding model of its passages (Letta's EmbeddingConfig); every passage uses it. */
  embeddingConfig: JsonObject | null;
  vectorDbProvider: string;
  metadata: JsonObject | null;
  createdById: string | null;
  lastUpdatedById: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Passage {
  id: string;
  archiveId: string;
  text: string;
  tags: string[];
  metadata: JsonObject;
  embeddingHandle: string;
  embedding: Float32Array;
  /** The folder file it was cut from; null in archival memory. */
  fileId: string | null;
  createdById: string | null;
  createdAt: string;
  updatedAt: string;
}

export type NewPassage = Pick<Passage, 'archiveId' | 'text' | 'tags' | 'metadata' | 'embeddingHandle' | 'embedding'> & { createdAt?: string; fileId?: string };

/** Filters of a passage listing or search, applied before the limit. */
export interface PassageFilter {
  tags?: { values: string[]; mode: 'any' | 'all' } | null;
  createdFrom?: string | null;
  createdTo?: string | null;
  /** Case-insensitive substring of the text. */
  text?: string | null;
}
