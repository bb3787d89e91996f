import type OpenAI from 'openai';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { BatchedEmbedder, type BatchingOptions } from './batching.js';
import { EmbeddingError, embeddingErrorFromStatus, toVector } from './embedder.js';

export interface OpenAICompatibleEmbedderOptions extends BatchingOptions {
  /** The provider name in the handle and in errors (`openai`, `ollama` ...). */
  provider: string;
  model: string;
  /** Built with `maxRetries: 0` (retries are ours) and, ideally, `fetch: keepErrorBodies()`. */
  client: OpenAI;
  /** The handle to report; `provider/model` when absent. */
  handle?: string;
}

/** `Retry-After-Ms` or `Retry-After` (seconds or an HTTP date), in milliseconds. */
export function retryAfterMs(headers: Headers | undefined): number | undefined {
  const milliseconds = Number(headers?.get('retry-after-ms') ?? NaN);
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Compatible servers do not all wrap their errors in `{"error": {...}}` (Mistral and older vLLM send
 * `{"message": ...}`, FastAPI servers `{"detail": ...}`); the SDK then drops the message. This fetch
 * rewraps such bodies so the provider's words reach the error (and the too-large check).
 */
export function keepErrorBodies(fetchImpl: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const response = await fetchImpl(input, init);
    if (response.ok) return response;
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    let wrapped: unknown;
    if (body && typeof body === 'object' && !Array.isArray(body) && 'error' in body) wrapped = body;
    else if (body && typeof body === 'object' && !Array.isArray(body)) {
      const { message, detail } = body as { message?: unknown; detail?: unknown };
      const said = message ?? detail ?? text;
      wrapped = { error: { ...body, message: typeof said === 'string' ? said : JSON.stringify(said) } };
    } else wrapped = { error: { message: text.trim() || response.statusText || `HTTP ${response.status}` } };
    const headers = new Headers(response.headers);
    headers.set('content-type', 'application/json');
    headers.delete('content-length');
    headers.delete('content-encoding');
    return new Response(JSON.stringify(wrapped), { status: response.status, statusText: response.statusText, headers });
  };
}

/** What the provider said: the body's `error.message`, a bare `error` string, or the SDK's message. */
function providerMessage(error: APIError): string {
  const body = error.error as { message?: unknown } | string | undefined;
  if (typeof body === 'string') return body;
  if (body && typeof body.message === 'string') return body.message;
  return error.message;
}

/** A base64 `embedding` (some servers send it whatever was asked) holds little-endian float32s. */
function decodeEmbedding(embedding: unknown): Float32Array | null {
  if (Array.isArray(embedding)) return toVector(embedding as number[]);
  if (typeof embedding === 'string') {
    const bytes = Buffer.from(embedding, 'base64');
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength - (bytes.byteLength % 4)));
  }
  return null;
}

/** Embeddings over an OpenAI-compatible `POST /embeddings` (OpenAI, Ollama, vLLM, LM Studio, Together, Mistral ...). */
export class OpenAICompatibleEmbedder extends BatchedEmbedder {
  constructor(private readonly options: OpenAICompatibleEmbedderOptions) {
    super(options);
  }

  protected async embedBatch(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const { provider, model, client } = this.options;
    let response: Awaited<ReturnType<OpenAI['embeddings']['create']>>;
    try {
      response = await client.embeddings.create({ model, input: texts, encoding_format: 'float' }, { signal });
    } catch (error) {
      throw this.mapError(error, signal);
    }
    const data = Array.isArray(response?.data) ? [...response.data] : null;
    if (!data || data.length !== texts.length) {
      throw new EmbeddingError(`${provider}: expected ${texts.length} embeddings, the response has ${data ? data.length : 'none'}`, 'provider', 200);
    }
    if (data.every((item) => typeof item.index === 'number')) data.sort((a, b) => a.index - b.index);
    const vectors = data.map((item) => {
      const vector = decodeEmbedding(item.embedding);
      if (!vector) throw new EmbeddingError(`${provider}: an embedding in the response is not a list of numbers`, 'provider', 200);
      return vector;
    });
    this.learned.check(vectors);
    return vectors;
  }

  private mapError(error: unknown, signal?: AbortSignal): unknown {
    const { provider } = this.options;
    if (error instanceof APIUserAbortError || signal?.aborted) return signal?.reason ?? error;
    if (error instanceof APIConnectionTimeoutError) return new EmbeddingError(`${provider}: the request timed out`, 'unavailable', undefined, { cause: error });
    if (error instanceof APIConnectionError) {
      const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return new EmbeddingError(`${provider}: could not reach the embeddings endpoint (${error.message}${cause})`, 'unavailable', undefined, { cause: error });
    }
    if (error instanceof APIError) {
      return embeddingErrorFromStatus(provider, error.status, providerMessage(error), { cause: error, retryAfterMs: retryAfterMs(error.headers) });
    }
    if (error instanceof EmbeddingError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new EmbeddingError(`${provider}: ${message}`, 'provider', undefined, { cause: error });
  }
}
