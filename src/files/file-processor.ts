import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { FileKind, FileType } from './file-types.js';
import { FILE_WORKER_SOURCE } from './worker-source.js';

/** `text` is the whole extracted text (`\n` line ends); `chunks` are slices of it, in order. */
export interface ExtractedFile {
  text: string;
  chunks: string[];
}

/** The content is bad, corrupt or has no text; the message says what is wrong. */
export class FileParseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FileParseError';
  }
}

export interface ChunkOptions {
  /** Most tokens (o200k) in one chunk, overlap included; default 300, at least 16. */
  chunkTokens?: number;
  /** Tokens a chunk repeats from the end of the one before; default 50, at most half of chunkTokens. */
  overlapTokens?: number;
}

export interface FileProcessorOptions {
  /** Worker threads parsing at once; default 1. */
  workers?: number;
  /** A file still parsing after this long (the worker's start not counted) fails with a FileParseError; default 2 minutes. */
  timeoutMs?: number;
  /** Heap limit of each worker, so that a hostile file fails alone instead of taking the server down; default 1024 MB. */
  memoryLimitMb?: number;
}

type ChunkRules = 'markdown' | 'code' | 'prose';

const CHUNK_RULES: Record<FileKind, ChunkRules> = {
  markdown: 'markdown',
  html: 'markdown',
  code: 'code',
  json: 'code',
  csv: 'code',
  yaml: 'code',
  xml: 'code',
  text: 'prose',
  pdf: 'prose',
  docx: 'prose',
};

const DEFAULT_CHUNK_TOKENS = 300;
const DEFAULT_OVERLAP_TOKENS = 50;
const MIN_CHUNK_TOKENS = 16;

interface Job {
  message: { bytes: Uint8Array<ArrayBuffer>; kind: FileKind; rules: ChunkRules; chunkTokens: number; overlapTokens: number };
  resolve: (file: ExtractedFile) => void;
  reject: (error: Error) => void;
}

type WorkerReply = { ready: true } | { id: number; text: string; offsets: Uint32Array } | { id: number; error: string; parse: boolean };

interface Running {
  id: number;
  job: Job;
  /** Set once the worker is loaded: loading the tokenizer does not count towards the timeout. */
  timer?: NodeJS.Timeout;
}

/** Absolute paths of the packages, so the eval'd worker finds them from `src/` or `dist/` alike. */
function packagePaths(): { unpdfPath: string; mammothPath: string; tokenizerPath: string } {
  const require = createRequire(import.meta.url);
  return {
    unpdfPath: require.resolve('unpdf'),
    mammothPath: require.resolve('mammoth'),
    tokenizerPath: require.resolve('gpt-tokenizer/encoding/o200k_base'),
  };
}

function chunkSettings(options: ChunkOptions): { chunkTokens: number; overlapTokens: number } {
  const chunkTokens = options.chunkTokens ?? DEFAULT_CHUNK_TOKENS;
  const overlapTokens = options.overlapTokens ?? DEFAULT_OVERLAP_TOKENS;
  if (!Number.isInteger(chunkTokens) || chunkTokens < MIN_CHUNK_TOKENS) {
    throw new RangeError(`chunkTokens must be an integer of at least ${MIN_CHUNK_TOKENS}, got ${chunkTokens}`);
  }
  if (!Number.isInteger(overlapTokens) || overlapTokens < 0 || overlapTokens * 2 > chunkTokens) {
    throw new RangeError(`overlapTokens must be an integer from 0 to half of chunkTokens (${chunkTokens}), got ${overlapTokens}`);
  }
  return { chunkTokens, overlapTokens };
}

function chunksOf(text: string, offsets: Uint32Array): string[] {
  const chunks: string[] = [];
  for (let index = 0; index < offsets.length; index += 2) chunks.push(text.slice(offsets[index], offsets[index + 1]));
  return chunks;
}

/**
 * Parses and chunks files off the main thread, in worker threads started on first use and
 * reused; requests beyond the free workers wait in order. An idle worker does not keep the
 * process alive.
 */
export class FileProcessor {
  private readonly size: number;
  private readonly timeoutMs: number;
  private readonly memoryLimitMb: number;
  private readonly packages = packagePaths();
  private readonly idle: Worker[] = [];
  private readonly loading = new Set<Worker>();
  private readonly running = new Map<Worker, Running>();
  private readonly queue: Job[] = [];
  private nextId = 0;
  private closed = false;

  constructor(options: FileProcessorOptions = {}) {
    this.size = Math.max(1, Math.floor(options.workers ?? 1));
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.memoryLimitMb = options.memoryLimitMb ?? 1024;
  }

  /** Rejects with a FileParseError when the content cannot be read or has no text. */
  extract(bytes: Uint8Array, type: FileType, options: ChunkOptions = {}): Promise<ExtractedFile> {
    if (this.closed) return Promise.reject(new Error('mnemo: the file processor is closed'));
    let settings: ReturnType<typeof chunkSettings>;
    try {
      settings = chunkSettings(options);
    } catch (error) {
      return Promise.reject(error);
    }
    // A copy of its own, transferred to the worker: the caller keeps its bytes.
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    return new Promise<ExtractedFile>((resolve, reject) => {
      this.queue.push({ message: { bytes: copy, kind: type.kind, rules: CHUNK_RULES[type.kind], ...settings }, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops the workers; files still queued or parsing are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    const stopped = new Error('mnemo: the file processor was closed');
    for (const job of this.queue.splice(0)) job.reject(stopped);
    const workers = [...this.idle.splice(0), ...this.running.keys()];
    for (const worker of workers) this.finish(worker, (job) => job.reject(stopped));
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0 && (this.idle.length > 0 || this.running.size < this.size)) {
      const worker = this.idle.pop() ?? this.startWorker();
      const job = this.queue.shift()!;
      const running: Running = { id: ++this.nextId, job };
      this.running.set(worker, running);
      if (!this.loading.has(worker)) this.startTimer(worker, running);
      worker.ref();
      worker.postMessage({ id: running.id, ...job.message }, [job.message.bytes.buffer]);
    }
  }

  private startTimer(worker: Worker, running: Running): void {
    running.timer = setTimeout(() => this.timeOut(worker), this.timeoutMs);
    running.timer.unref();
  }

  private startWorker(): Worker {
    const worker = new Worker(FILE_WORKER_SOURCE, {
      eval: true,
      workerData: this.packages,
      name: 'mnemo-files',
      resourceLimits: { maxOldGenerationSizeMb: this.memoryLimitMb },
    });
    this.loading.add(worker);
    worker.on('message', (reply: WorkerReply) => {
      if (!('ready' in reply)) return this.settle(worker, reply);
      this.loading.delete(worker);
      const running = this.running.get(worker);
      if (running) this.startTimer(worker, running);
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const failure =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new FileParseError(`the file needs more than ${this.memoryLimitMb} MB of memory to parse`, { cause: error })
          : new Error(`mnemo: the file worker failed: ${error.message}`, { cause: error });
      this.discard(worker, failure);
    });
    worker.on('exit', (code) => this.discard(worker, new Error(`mnemo: the file worker stopped (exit code ${code})`)));
    return worker;
  }

  private settle(worker: Worker, reply: Exclude<WorkerReply, { ready: true }>): void {
    if (this.running.get(worker)?.id !== reply.id) return;
    this.finish(worker, (job) => {
      if ('error' in reply) job.reject(reply.parse ? new FileParseError(reply.error) : new Error(`mnemo: parsing the file failed: ${reply.error}`));
      else job.resolve({ text: reply.text, chunks: chunksOf(reply.text, reply.offsets) });
    });
    worker.unref();
    this.idle.push(worker);
    this.dispatch();
  }

  private timeOut(worker: Worker): void {
    this.discard(worker, new FileParseError(`parsing the file took longer than ${this.timeoutMs / 1000} s`));
    void worker.terminate();
  }

  /** Drops a worker that failed or was stopped; its file gets `failure`, and waiting files a new worker. */
  private discard(worker: Worker, failure: Error): void {
    this.loading.delete(worker);
    const index = this.idle.indexOf(worker);
    if (index !== -1) this.idle.splice(index, 1);
    this.finish(worker, (job) => job.reject(failure));
    if (!this.closed) this.dispatch();
  }

  private finish(worker: Worker, settle: (job: Job) => void): void {
    const running = this.running.get(worker);
    if (!running) return;
    this.running.delete(worker);
    clearTimeout(running.timer);
    settle(running.job);
  }
}
