import { EmbeddingError, type Embedder } from './embedder.js';

/** How a remote embedder splits, sizes and retries its requests. */
export interface BatchingOptions {
  /** Most texts in one request (default 32). */
  batchSize?: number;
  /** Most characters in one request (default 100,000); a longer text goes alone. */
  maxBatchChars?: number;
  /** Retries of one request after a rate limit, server error or dropped connection (default 3). */
  maxRetries?: number;
  /** First back-off; each retry doubles it, with jitter (default 500 ms). */
  retryBaseDelayMs?: number;
  /** Longest single wait, also for a provider's Retry-After (default 20 s). */
  retryMaxDelayMs?: number;
}

export const DEFAULT_BATCH_SIZE = 32;
const DEFAULTS = { batchSize: DEFAULT_BATCH_SIZE, maxBatchChars: 100_000, maxRetries: 3, retryBaseDelayMs: 500, retryMaxDelayMs: 20_000 } satisfies Required<BatchingOptions>;

export function batchingDefaults(options: BatchingOptions = {}): Required<BatchingOptions> {
  const merged = { ...DEFAULTS };
  for (const [key, value] of Object.entries(options) as [keyof BatchingOptions, number | undefined][]) {
    if (value !== undefined) merged[key] = value;
  }
  merged.batchSize = Math.max(1, Math.floor(merged.batchSize));
  return merged;
}

/** Consecutive runs of indexes, each within the count and character budgets. */
export function planBatches(texts: readonly string[], batchSize: number, maxBatchChars: number): Array<[start: number, end: number]> {
  const batches: Array<[number, number]> = [];
  let start = 0;
  let chars = 0;
  for (let index = 0; index < texts.length; index++) {
    const length = texts[index].length;
    if (index > start && (index - start >= batchSize || chars + length > maxBatchChars)) {
      batches.push([start, index]);
      start = index;
      chars = 0;
    }
    chars += length;
  }
  if (start < texts.length) batches.push([start, texts.length]);
  return batches;
}

const BATCH_TOO_LARGE =
  /too many (tokens|inputs|texts)|maximum context|context length|context window|batch size|batch_size|too large|too long|tokens per request|exceeds the (maximum|limit)|payload size|at most \d+ requests/i;

/** The provider refused the request for its size, so fewer texts per request may pass. */
export function isBatchTooLarge(error: unknown): boolean {
  if (!(error instanceof EmbeddingError)) return false;
  return error.status === 413 || (error.kind === 'bad_request' && BATCH_TOO_LARGE.test(error.message));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Exponential back-off with jitter (half fixed, half random); a provider's Retry-After is a floor. */
export function retryDelayMs(attempt: number, options: Required<BatchingOptions>, retryAfterMs?: number): number {
  const exponential = Math.min(options.retryMaxDelayMs, options.retryBaseDelayMs * 2 ** attempt);
  const jittered = exponential / 2 + (Math.random() * exponential) / 2;
  return Math.min(options.retryMaxDelayMs, Math.max(jittered, retryAfterMs ?? 0));
}

/** The provider call for one request; rejects with an EmbeddingError, or with the signal's reason. */
export type EmbedBatch = (texts: string[], signal?: AbortSignal) => Promise<Float32Array[]>;

async function withRetries(call: () => Promise<Float32Array[]>, options: Required<BatchingOptions>, signal?: AbortSignal): Promise<Float32Array[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (!(error instanceof EmbeddingError) || !error.retryable || attempt >= options.maxRetries) throw error;
      await sleep(retryDelayMs(attempt, options, error.retryAfterMs), signal);
    }
  }
}

/** One request's texts, halved and sent again while the provider says the request is too large. */
async function embedSplitting(texts: string[], call: EmbedBatch, options: Required<BatchingOptions>, signal?: AbortSignal): Promise<Float32Array[]> {
  try {
    return await withRetries(() => call(texts, signal), options, signal);
  } catch (error) {
    if (texts.length < 2 || !isBatchTooLarge(error)) throw error;
    const middle = Math.ceil(texts.length / 2);
    const head = await embedSplitting(texts.slice(0, middle), call, options, signal);
    const tail = await embedSplitting(texts.slice(middle), call, options, signal);
    return [...head, ...tail];
  }
}

/** Embeds `texts` one request at a time, in order, within the budgets. */
export async function embedInBatches(texts: string[], call: EmbedBatch, options: Required<BatchingOptions>, signal?: AbortSignal): Promise<Float32Array[]> {
  const vectors: Float32Array[] = [];
  for (const [start, end] of planBatches(texts, options.batchSize, options.maxBatchChars)) {
    if (signal?.aborted) throw signal.reason;
    vectors.push(...(await embedSplitting(texts.slice(start, end), call, options, signal)));
  }
  return vectors;
}

/**
 * Holds a remote model's dimension: learned from its first vectors, then checked against every later
 * one. A mismatch carries status 200 (the request succeeded; its answer is wrong), so it is not retried.
 */
export class LearnedDimension {
  value: number | null = null;

  constructor(private readonly provider: string) {}

  check(vectors: readonly Float32Array[]): void {
    for (const vector of vectors) {
      if (vector.length === 0) throw new EmbeddingError(`${this.provider}: the provider returned an empty vector`, 'provider', 200);
      this.value ??= vector.length;
      if (vector.length !== this.value) {
        throw new EmbeddingError(`${this.provider}: the provider returned a ${vector.length}-dimensional vector, expected ${this.value}`, 'provider', 200);
      }
    }
  }
}

/** The identity and batching every remote embedder shares; a subclass sends one batch. */
export abstract class BatchedEmbedder implements Embedder {
  readonly handle: string;
  protected readonly learned: LearnedDimension;
  private readonly batching: Required<BatchingOptions>;

  constructor(options: BatchingOptions & { provider: string; model: string; handle?: string }) {
    this.handle = options.handle ?? `${options.provider}/${options.model}`;
    this.batching = batchingDefaults(options);
    this.learned = new LearnedDimension(options.provider);
  }

  get dimension(): number | null {
    return this.learned.value;
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    return embedInBatches(texts, (batch, batchSignal) => this.embedBatch(batch, batchSignal), this.batching, signal);
  }

  /** One request for `texts` (within the batch budgets); checks its vectors with `learned`. */
  protected abstract embedBatch(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
}
