/** Turns texts into vectors: the one interface every embedding provider implements. */
export interface Embedder {
  /** `provider/model`, e.g. `openai/text-embedding-3-small`, `mnemo/use-lite-512`. */
  readonly handle: string;
  /** Known up front for the offline model; for remote models learned from the first response (then fixed). */
  readonly dimension: number | null;
  /** One vector per text, same order. Rejects with EmbeddingError on provider failure. */
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
}

export type EmbeddingErrorKind = 'unavailable' | 'bad_request' | 'rate_limited' | 'auth' | 'provider';

export interface EmbeddingErrorOptions {
  cause?: unknown;
  /** How long the provider asked us to wait before the next request (Retry-After, Gemini's RetryInfo). */
  retryAfterMs?: number;
}

/**
 * An embedding that could not be made. `unavailable`: the provider is not configured or cannot be
 * reached; `bad_request`: the provider refused the input; `rate_limited`: 429; `auth`: 401/403;
 * `provider`: the provider failed (5xx, a malformed response).
 */
export class EmbeddingError extends Error {
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    readonly kind: EmbeddingErrorKind,
    readonly status?: number,
    options: EmbeddingErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EmbeddingError';
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }

  /** Worth sending again after a pause: rate limits, server errors, timeouts and dropped connections. */
  get retryable(): boolean {
    if (this.kind === 'rate_limited') return true;
    if (this.status === undefined) return this.kind === 'unavailable' || this.kind === 'provider';
    return this.status === 408 || this.status >= 500;
  }
}

/** Classifies a provider's HTTP failure the same way for every adapter; `message` is what the provider said. */
export function embeddingErrorFromStatus(provider: string, status: number | undefined, message: string, options: EmbeddingErrorOptions = {}): EmbeddingError {
  let kind: EmbeddingErrorKind = 'provider';
  if (status === 401 || status === 403) kind = 'auth';
  else if (status === 429) kind = 'rate_limited';
  else if (status === 408) kind = 'unavailable';
  else if (status !== undefined && status >= 400 && status < 500) kind = 'bad_request';
  return new EmbeddingError(`${provider}: ${message}`, kind, status, options);
}

/** Copies a provider's numbers into a vector of its own (never a view on a shared buffer). */
export function toVector(values: ArrayLike<number>): Float32Array {
  return Float32Array.from(values);
}
