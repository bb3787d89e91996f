import type { Folder, FolderFile } from '../domain/folder.js';
import { EmbeddingError } from '../embeddings/index.js';
import { MnemoError } from '../errors.js';
import { FileParseError, type FileProcessor } from '../files/file-processor.js';
import { detectFileType, extractedTextType, type FileType } from '../files/file-types.js';
import type { Store } from '../store/store.js';
import { showNewFile } from './agent-folders.js';
import type { ArchiveService } from './archives.js';

/** Chunks embedded per batch; each batch is stored and counted in chunks_embedded. */
const EMBED_BATCH = 64;
/** Files processed at once; more would only queue inside the parser and the embedder. */
const CONCURRENT_FILES = 2;

type Job = () => Promise<void>;

/**
 * Processes uploaded files in the background: parse (in a worker thread), then embed the chunks
 * into the folder's archive. Status only moves forward; a file deleted meanwhile stops quietly; any
 * failure ends in `error` with its message, never in a status that stays forever.
 */
export class FileIngestion {
  private readonly queue: Job[] = [];
  private running = 0;
  private readonly idle = new Set<() => void>();

  constructor(
    private readonly store: Store,
    private readonly processor: FileProcessor,
    private readonly archives: ArchiveService,
    private readonly log: (message: string, error?: unknown) => void,
  ) {}

  /** Parses and embeds an uploaded file. */
  enqueueUpload(folder: Folder, file: FolderFile, bytes: Uint8Array, type: FileType): void {
    this.enqueue(() => this.ingest(folder, file, bytes, type));
  }

  /** Chunks and embeds a pending file whose text is already stored (an imported agent file). */
  enqueueStored(folder: Folder, file: FolderFile): void {
    this.enqueue(() => this.ingest(folder, file, undefined, extractedTextType(detectFileType(file.originalFileName, file.fileType))));
  }

  /** Resolves once nothing is queued or running (tests, shutdown). */
  whenIdle(): Promise<void> {
    if (!this.running && !this.queue.length) return Promise.resolve();
    return new Promise((resolve) => this.idle.add(resolve));
  }

  private enqueue(job: Job): void {
    this.queue.push(job);
    this.pump();
  }

  private pump(): void {
    while (this.running < CONCURRENT_FILES && this.queue.length) {
      const job = this.queue.shift()!;
      this.running += 1;
      void job().finally(() => {
        this.running -= 1;
        this.pump();
        if (this.running || this.queue.length) return;
        for (const resolve of this.idle) resolve();
        this.idle.clear();
      });
    }
  }

  private async ingest(folder: Folder, file: FolderFile, bytes: Uint8Array | undefined, type: FileType): Promise<void> {
    const files = this.store.repos.files;
    try {
      if (!(await files.advance(file.id, 'parsing'))) return;
      const source = bytes ?? new TextEncoder().encode((await files.find(file.id, { content: true }))?.content ?? '');
      const chunkTokens = typeof folder.embeddingConfig.embedding_chunk_size === 'number' ? folder.embeddingConfig.embedding_chunk_size : undefined;
      const extracted = await this.processor.extract(source, type, chunkTokens ? { chunkTokens, overlapTokens: Math.min(50, Math.floor(chunkTokens / 4)) } : {});
      if (!(await files.advance(file.id, 'embedding', { content: extracted.text, totalChunks: extracted.chunks.length, chunksEmbedded: 0 }))) return;
      // An upload is new to the folder's agents; an imported file comes with their views of it.
      if (bytes) await this.store.transaction((repos) => showNewFile(repos, folder.id, { id: file.id, fileName: file.fileName, content: extracted.text }));
      const target = { id: folder.archiveId, embeddingConfig: folder.embeddingConfig };
      for (let start = 0; start < extracted.chunks.length; start += EMBED_BATCH) {
        const batch = extracted.chunks.slice(start, start + EMBED_BATCH);
        await this.archives.addFilePassages(target, file.id, batch);
        if (!(await files.embedded(file.id, start + batch.length))) return;
      }
      await files.advance(file.id, 'completed');
    } catch (error) {
      if (!(await files.find(file.id))) return; // deleted while processing
      const message = error instanceof FileParseError || error instanceof EmbeddingError || error instanceof MnemoError ? error.message : `processing failed: ${(error as Error).message}`;
      if (!(error instanceof FileParseError)) this.log(`file ${file.id} (${file.fileName}) failed`, error);
      await files.advance(file.id, 'error', { errorMessage: message }).catch((failure: unknown) => this.log(`could not mark file ${file.id} failed`, failure));
    }
  }
}
