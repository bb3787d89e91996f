import type { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import type { ProviderSettings } from '../config.js';
import { createGoogleClient } from '../providers/google/generate-content.js';
import type { BatchingOptions } from './batching.js';
import { EmbeddingError, type Embedder } from './embedder.js';
import { GoogleEmbedder } from './google.js';
import { OFFLINE_EMBEDDING_DIM, OFFLINE_EMBEDDING_HANDLE, OFFLINE_EMBEDDING_MODEL, UseLiteEmbedder } from './offline/use-lite.js';
import { keepErrorBodies, OpenAICompatibleEmbedder } from './openai-compatible.js';

export { OFFLINE_EMBEDDING_HANDLE } from './offline/use-lite.js';

const REQUEST_TIMEOUT_MS = 60_000;
const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** The fields of Letta's EmbeddingConfig that choose and size an embedder (a type, so JSON records fit it). */
export type EmbeddingModelConfig = {
  handle?: string | null;
  embedding_endpoint_type?: string;
  embedding_model?: string;
  embedding_endpoint?: string | null;
  embedding_dim?: number;
  batch_size?: number;
};

/** Letta's EmbeddingConfig, as stored on agents, archives and folders (a type, so it fits `Record<string, unknown>`). */
export type EmbeddingConfig = {
  embedding_endpoint_type: string;
  embedding_endpoint: string | null;
  embedding_model: string;
  embedding_dim: number;
  embedding_chunk_size: number;
  handle: string | null;
  batch_size: number;
  azure_endpoint: string | null;
  azure_version: string | null;
  azure_deployment: string | null;
};

/** The embedding config of the offline default model. */
export function offlineEmbeddingConfig(): EmbeddingConfig {
  return {
    embedding_endpoint_type: 'mnemo',
    embedding_endpoint: null,
    embedding_model: OFFLINE_EMBEDDING_MODEL,
    embedding_dim: OFFLINE_EMBEDDING_DIM,
    embedding_chunk_size: 300,
    handle: OFFLINE_EMBEDDING_HANDLE,
    batch_size: 32,
    azure_endpoint: null,
    azure_version: null,
    azure_deployment: null,
  };
}

export interface EmbeddingRegistryOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Batching and retry settings for every remote embedder (a config's `batch_size` wins). */
  batching?: BatchingOptions;
}

const OFFLINE_PROVIDERS = new Set(['mnemo', 'offline']);
const GOOGLE_PROVIDERS = new Set(['google_ai', 'google']);

/** A config read back from JSON may hold anything: a trimmed non-empty string, or nothing. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function trimBaseURL(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/** Builds (and caches) the embedder for an embedding config from the configured providers. */
export class EmbeddingRegistry {
  private readonly embedders = new Map<string, Embedder>();
  private offline?: UseLiteEmbedder;
  private googleClient?: GoogleGenAI;

  constructor(
    private readonly settings: ProviderSettings,
    private readonly options: EmbeddingRegistryOptions = {},
  ) {}

  /** Throws EmbeddingError `unavailable` when the provider is unknown or not configured. */
  embedderFor(config: EmbeddingModelConfig): Embedder {
    const { provider, model } = this.providerAndModel(config);
    if (OFFLINE_PROVIDERS.has(provider)) {
      if (model !== OFFLINE_EMBEDDING_MODEL) {
        throw new EmbeddingError(`mnemo: no offline embedding model "${model}"; the offline model is ${OFFLINE_EMBEDDING_HANDLE}`, 'unavailable');
      }
      this.offline ??= new UseLiteEmbedder();
      return this.offline;
    }
    const handle = text(config.handle) ?? `${provider}/${model}`;
    const batchSize = typeof config.batch_size === 'number' && config.batch_size >= 1 ? config.batch_size : undefined;
    const batching: BatchingOptions = { ...this.options.batching, ...(batchSize ? { batchSize } : {}) };
    const endpoint = text(config.embedding_endpoint);
    switch (provider) {
      case 'openai': {
        const { baseURL, apiKey } = this.openaiTarget(endpoint);
        return this.cached(`openai\u0000${model}\u0000${baseURL}\u0000${batching.batchSize}`, () =>
          new OpenAICompatibleEmbedder({ provider, model, handle, client: this.openaiClient(baseURL, apiKey), ...batching }),
        );
      }
      case 'ollama': {
        const root = endpoint ?? this.settings.ollama?.baseURL;
        if (!root) throw this.notConfigured('ollama', 'OLLAMA_BASE_URL');
        const baseURL = `${trimBaseURL(root).replace(/\/v1$/, '')}/v1`;
        return this.cached(`ollama\u0000${model}\u0000${baseURL}\u0000${batching.batchSize}`, () =>
          new OpenAICompatibleEmbedder({ provider, model, handle, client: this.openaiClient(baseURL, 'ollama'), ...batching }),
        );
      }
      default:
        if (GOOGLE_PROVIDERS.has(provider)) {
          const client = this.google();
          return this.cached(`google_ai\u0000${model}\u0000${batching.batchSize}`, () => new GoogleEmbedder({ provider: 'google_ai', model, handle, client, ...batching }));
        }
        throw new EmbeddingError(`no embedding provider "${provider}"; use openai, ollama, google_ai or mnemo (the offline ${OFFLINE_EMBEDDING_HANDLE})`, 'unavailable');
    }
  }

  /** Stops the offline model's worker. */
  async close(): Promise<void> {
    await this.offline?.close();
  }

  /** A handle splits at its first `/` (model ids may contain `/`); without one, the endpoint type and model. */
  private providerAndModel(config: EmbeddingModelConfig): { provider: string; model: string } {
    const handle = text(config.handle);
    if (handle) {
      const slash = handle.indexOf('/');
      if (slash > 0 && slash < handle.length - 1) return { provider: handle.slice(0, slash), model: handle.slice(slash + 1) };
    }
    const provider = text(config.embedding_endpoint_type);
    const model = text(config.embedding_model);
    if (!provider || !model) {
      throw new EmbeddingError(`the embedding config names no model: give a handle "provider/model" or embedding_endpoint_type and embedding_model`, 'unavailable');
    }
    return { provider, model };
  }

  /**
   * Where OpenAI embeddings go, and with which key. The config's own endpoint is used unless it is
   * OpenAI's default (Letta fills that in), which means the configured OPENAI_BASE_URL. The
   * configured key is only sent to the configured base URL: a config naming another endpoint must
   * not receive it.
   */
  private openaiTarget(endpoint: string | undefined): { baseURL: string; apiKey: string } {
    const openai = this.settings.openai;
    const configured = trimBaseURL(openai?.baseURL ?? OPENAI_DEFAULT_BASE_URL);
    const requested = endpoint ? trimBaseURL(endpoint) : undefined;
    if (requested && requested !== OPENAI_DEFAULT_BASE_URL && requested !== configured) return { baseURL: requested, apiKey: 'none' };
    if (!openai) throw this.notConfigured('openai', 'OPENAI_API_KEY (or OPENAI_BASE_URL for a compatible server)');
    return { baseURL: configured, apiKey: openai.apiKey };
  }

  private google(): GoogleGenAI {
    const google = this.settings.google;
    if (!google) throw this.notConfigured('google_ai', 'GEMINI_API_KEY');
    this.googleClient ??= createGoogleClient(google, { timeoutMs: this.options.timeoutMs ?? REQUEST_TIMEOUT_MS, fetch: this.options.fetch });
    return this.googleClient;
  }

  private readonly openaiClients = new Map<string, OpenAI>();

  private openaiClient(baseURL: string, apiKey: string): OpenAI {
    const key = `${baseURL}\u0000${apiKey}`;
    let client = this.openaiClients.get(key);
    if (!client) {
      client = new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: this.options.timeoutMs ?? REQUEST_TIMEOUT_MS, fetch: keepErrorBodies(this.options.fetch) });
      this.openaiClients.set(key, client);
    }
    return client;
  }

  private cached(key: string, build: () => Embedder): Embedder {
    let embedder = this.embedders.get(key);
    if (!embedder) {
      embedder = build();
      this.embedders.set(key, embedder);
    }
    return embedder;
  }

  private notConfigured(provider: string, variables: string): EmbeddingError {
    return new EmbeddingError(`the ${provider} embedding provider is not configured: set ${variables}`, 'unavailable');
  }
}
