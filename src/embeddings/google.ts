import { ApiError, type EmbedContentResponse, type GoogleGenAI } from '@google/genai';
import { BatchedEmbedder, type BatchingOptions } from './batching.js';
import { EmbeddingError, embeddingErrorFromStatus, toVector } from './embedder.js';

export interface GoogleEmbedderOptions extends BatchingOptions {
  /** The provider name in the handle and in errors (`google_ai`). */
  provider: string;
  /** e.g. `gemini-embedding-001`, `text-embedding-004`. */
  model: string;
  /** Built without retry options (retries are ours), its base URL in `httpOptions.baseUrl`. */
  client: GoogleGenAI;
  handle?: string;
}

interface GoogleErrorBody {
  error?: { message?: unknown; details?: Array<{ '@type'?: string; retryDelay?: string; reason?: string }> };
}

/** The SDK puts the API's JSON error body in its message; `error.message` there is what the provider said. */
function parseErrorBody(error: ApiError): GoogleErrorBody | undefined {
  const start = error.message.indexOf('{');
  if (start < 0) return undefined;
  try {
    return JSON.parse(error.message.slice(start)) as GoogleErrorBody;
  } catch {
    return undefined;
  }
}

/** google.rpc.RetryInfo's `retryDelay` ("31s", "0.5s"), in milliseconds. */
function retryDelayOf(body: GoogleErrorBody | undefined): number | undefined {
  const delay = body?.error?.details?.find((detail) => detail['@type']?.endsWith('google.rpc.RetryInfo'))?.retryDelay;
  const seconds = delay ? Number.parseFloat(delay) : NaN;
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/** Embeddings over the Gemini API (`models/{model}:batchEmbedContents`, which the SDK calls for `embedContent`). */
export class GoogleEmbedder extends BatchedEmbedder {
  constructor(private readonly options: GoogleEmbedderOptions) {
    super(options);
  }

  protected async embedBatch(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const { provider, model, client } = this.options;
    let response: EmbedContentResponse;
    try {
      // One Content per text: the SDK merges bare strings into a single Content for some models.
      const contents = texts.map((text) => ({ role: 'user', parts: [{ text }] }));
      response = await client.models.embedContent({ model, contents, config: { abortSignal: signal } });
    } catch (error) {
      throw this.mapError(error, signal);
    }
    const embeddings = response.embeddings ?? [];
    if (embeddings.length !== texts.length) {
      throw new EmbeddingError(`${provider}: expected ${texts.length} embeddings, the response has ${embeddings.length}`, 'provider', 200);
    }
    const vectors = embeddings.map((embedding) => {
      if (!Array.isArray(embedding.values)) throw new EmbeddingError(`${provider}: an embedding in the response has no values`, 'provider', 200);
      return toVector(embedding.values);
    });
    this.learned.check(vectors);
    return vectors;
  }

  private mapError(error: unknown, signal?: AbortSignal): unknown {
    const { provider } = this.options;
    if (signal?.aborted) return signal.reason;
    if (error instanceof ApiError) {
      const body = parseErrorBody(error);
      const message = typeof body?.error?.message === 'string' ? body.error.message : error.message;
      // A wrong key is a 400 INVALID_ARGUMENT with reason API_KEY_INVALID.
      const badKey = body?.error?.details?.some((detail) => detail.reason === 'API_KEY_INVALID') ?? false;
      if (badKey) return new EmbeddingError(`${provider}: ${message}`, 'auth', error.status, { cause: error });
      return embeddingErrorFromStatus(provider, error.status, message, { cause: error, retryAfterMs: retryDelayOf(body) });
    }
    if (error instanceof EmbeddingError) return error;
    const name = error instanceof Error ? error.name : '';
    if (name === 'AbortError' || name === 'TimeoutError') return new EmbeddingError(`${provider}: the request timed out`, 'unavailable', undefined, { cause: error });
    if (error instanceof TypeError) {
      const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return new EmbeddingError(`${provider}: could not reach the embeddings endpoint (${error.message}${cause})`, 'unavailable', undefined, { cause: error });
    }
    const message = error instanceof Error ? error.message : String(error);
    return new EmbeddingError(`${provider}: ${message}`, 'provider', undefined, { cause: error });
  }
}
