import { OFFLINE_EMBEDDING_HANDLE, offlineEmbeddingConfig } from '../embeddings/index.js';
import type { ProviderSettings } from '../config.js';
import { ValidationError } from '../errors.js';
import { googleApiRoot } from './google/generate-content.js';

/** Letta's `LlmConfig` / `Model` wire shape (the fields Mnemo fills). */
export interface LlmModel {
  handle: string;
  name: string;
  display_name: string;
  model: string;
  model_type: 'llm';
  model_endpoint_type: string;
  model_endpoint: string | null;
  provider_type: string;
  provider_name: string;
  provider_category: 'base';
  context_window: number;
  max_context_window: number;
  max_tokens: number | null;
  temperature: number;
  parallel_tool_calls: boolean | null;
  enable_reasoner: boolean;
  reasoning_effort: string | null;
  put_inner_thoughts_in_kwargs: boolean;
}

/** The offline model (no provider, no network) as the embedding model list shows it. */
function offlineEmbeddingModel(): EmbeddingModel {
  const config = offlineEmbeddingConfig();
  return {
    handle: OFFLINE_EMBEDDING_HANDLE,
    name: config.embedding_model,
    display_name: 'Universal Sentence Encoder Lite (offline)',
    model_type: 'embedding',
    embedding_model: config.embedding_model,
    embedding_endpoint_type: config.embedding_endpoint_type,
    embedding_endpoint: null,
    embedding_dim: config.embedding_dim,
    embedding_chunk_size: config.embedding_chunk_size ?? 300,
    batch_size: config.batch_size ?? 32,
    provider_type: 'mnemo',
    provider_name: 'mnemo',
    provider_category: 'base',
  };
}

/** Letta's `EmbeddingConfig` / `EmbeddingModel` wire shape. */
export interface EmbeddingModel {
  handle: string;
  name: string;
  display_name: string;
  model_type: 'embedding';
  embedding_model: string;
  embedding_endpoint_type: string;
  embedding_endpoint: string | null;
  embedding_dim: number;
  embedding_chunk_size: number;
  batch_size: number;
  provider_type: string;
  provider_name: string;
  provider_category: 'base';
}

export interface ModelFilter {
  provider_category?: string[];
  provider_name?: string;
  provider_type?: string;
}

type ProviderName = 'openai' | 'anthropic' | 'google_ai' | 'ollama';

/** Provider names a handle may start with, and the provider each means. */
const PROVIDER_ALIASES: Record<string, ProviderName | 'letta'> = {
  openai: 'openai',
  anthropic: 'anthropic',
  google_ai: 'google_ai',
  google: 'google_ai',
  gemini: 'google_ai',
  ollama: 'ollama',
  letta: 'letta',
};

const DEFAULT_ENDPOINTS: Record<ProviderName, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
  google_ai: 'https://generativelanguage.googleapis.com/v1beta',
  ollama: 'http://127.0.0.1:11434/v1',
};

/** Known context windows by model id prefix, longest prefix first. */
const CONTEXT_WINDOWS: [string, number][] = [
  ['gpt-4.1', 1_047_576],
  ['gpt-4o', 128_000],
  ['gpt-4-turbo', 128_000],
  ['gpt-4', 8_192],
  ['gpt-3.5', 16_385],
  ['gpt-5', 272_000],
  ['o1', 200_000],
  ['o3', 200_000],
  ['o4', 200_000],
  ['claude', 200_000],
  ['gemini-1.5', 1_000_000],
  ['gemini', 1_048_576],
];

const EMBEDDING_DIMENSIONS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

const NOT_CHAT = /(embed|tts|whisper|dall-e|moderation|transcribe|audio|image|realtime|search)/i;
const TTL_MS = 5 * 60_000;
const TIMEOUT_MS = 5_000;

function contextWindowOf(provider: ProviderName, modelId: string): number {
  const id = modelId.split('/').at(-1)!.toLowerCase();
  const known = CONTEXT_WINDOWS.filter(([prefix]) => id.startsWith(prefix)).sort((a, b) => b[0].length - a[0].length)[0];
  if (known) return known[1];
  return provider === 'openai' || provider === 'ollama' ? 32_000 : 128_000;
}

/** Splits `provider/model` at the first `/` (model ids may contain `/`). */
export function parseHandle(handle: string, field = 'model'): { provider: ProviderName | 'letta'; modelId: string } {
  const slash = handle.indexOf('/');
  if (slash <= 0 || slash === handle.length - 1) throw ValidationError.field(field, `"${handle}" is not a handle of the form provider/model`);
  const provider = PROVIDER_ALIASES[handle.slice(0, slash)];
  if (!provider) {
    throw ValidationError.field(field, `unknown provider "${handle.slice(0, slash)}"; use one of ${Object.keys(PROVIDER_ALIASES).join(', ')}`);
  }
  return { provider, modelId: handle.slice(slash + 1) };
}

interface CachedList {
  at: number;
  ids: string[];
}

/**
 * The models of the configured providers, as `GET /v1/models/` lists them. Each provider's own
 * models endpoint is asked (5 s timeout) and its answer cached for five minutes; a provider that
 * fails lists nothing and its error is kept in `lastErrors`.
 */
export class ModelCatalog {
  readonly lastErrors = new Map<ProviderName, string>();
  readonly #cache = new Map<ProviderName, CachedList>();
  readonly #fetch: typeof fetch;
  readonly #ttlMs: number;

  constructor(
    private readonly settings: ProviderSettings,
    options: { fetch?: typeof fetch; ttlMs?: number } = {},
  ) {
    this.#fetch = options.fetch ?? fetch;
    this.#ttlMs = options.ttlMs ?? TTL_MS;
  }

  configuredProviders(): ProviderName[] {
    const names: ProviderName[] = [];
    if (this.settings.openai) names.push('openai');
    if (this.settings.anthropic) names.push('anthropic');
    if (this.settings.google) names.push('google_ai');
    if (this.settings.ollama) names.push('ollama');
    return names;
  }

  async listLlms(filter: ModelFilter = {}): Promise<LlmModel[]> {
    if (filter.provider_category?.length && !filter.provider_category.includes('base')) return [];
    const providers = this.configuredProviders().filter(
      (provider) => (!filter.provider_name || filter.provider_name === provider) && (!filter.provider_type || filter.provider_type === provider),
    );
    const lists = await Promise.all(providers.map(async (provider) => ({ provider, ids: await this.modelIds(provider) })));
    return lists.flatMap(({ provider, ids }) => ids.filter((id) => !NOT_CHAT.test(id)).map((id) => this.llmModel(provider, id)));
  }

  /** The configured providers' embedding models, and the offline one that needs no provider. */
  async listEmbeddings(): Promise<EmbeddingModel[]> {
    const providers = this.configuredProviders().filter((provider) => provider !== 'anthropic');
    const lists = await Promise.all(providers.map(async (provider) => ({ provider, ids: await this.modelIds(provider) })));
    const remote = lists.flatMap(({ provider, ids }) => ids.filter((id) => /embed/i.test(id)).map((id) => this.embeddingModel(provider, id)));
    return [...remote, offlineEmbeddingModel()];
  }

  /** The stored llm_config for a handle; a handle the provider does not list is still accepted. */
  async llmConfigFor(handle: string, overrides: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const { provider, modelId } = parseHandle(handle);
    const base =
      provider === 'letta'
        ? { ...this.llmModel('openai', modelId), handle, provider_type: 'letta', provider_name: 'letta', model_endpoint: null }
        : this.llmModel(provider, modelId);
    return { ...base, ...overrides };
  }

  async embeddingConfigFor(handle: string): Promise<Record<string, unknown>> {
    if (handle === OFFLINE_EMBEDDING_HANDLE) return { ...offlineEmbeddingConfig() };
    const { provider, modelId } = parseHandle(handle, 'embedding');
    if (provider === 'anthropic') throw ValidationError.field('embedding', 'Anthropic has no embedding models');
    const model = this.embeddingModel(provider === 'letta' ? 'openai' : provider, modelId);
    return { ...model, handle };
  }

  private endpointOf(provider: ProviderName): string {
    const configured =
      provider === 'openai'
        ? this.settings.openai?.baseURL
        : provider === 'anthropic'
          ? this.settings.anthropic?.baseURL
          : provider === 'google_ai'
            ? this.settings.google?.baseURL && `${googleApiRoot(this.settings.google.baseURL)}/v1beta`
            : this.settings.ollama?.baseURL && `${this.settings.ollama.baseURL.replace(/\/+$/, '').replace(/\/v1$/, '')}/v1`;
    return (configured ?? DEFAULT_ENDPOINTS[provider]).replace(/\/+$/, '');
  }

  private llmModel(provider: ProviderName, modelId: string): LlmModel {
    const contextWindow = contextWindowOf(provider, modelId);
    return {
      handle: `${provider}/${modelId}`,
      name: modelId,
      display_name: modelId,
      model: modelId,
      model_type: 'llm',
      model_endpoint_type: provider,
      model_endpoint: this.endpointOf(provider),
      provider_type: provider,
      provider_name: provider,
      provider_category: 'base',
      context_window: contextWindow,
      max_context_window: contextWindow,
      max_tokens: provider === 'anthropic' ? 8192 : null,
      temperature: 0.7,
      parallel_tool_calls: null,
      enable_reasoner: false,
      reasoning_effort: null,
      put_inner_thoughts_in_kwargs: false,
    };
  }

  private embeddingModel(provider: ProviderName, modelId: string): EmbeddingModel {
    return {
      handle: `${provider}/${modelId}`,
      name: modelId,
      display_name: modelId,
      model_type: 'embedding',
      embedding_model: modelId,
      embedding_endpoint_type: provider,
      embedding_endpoint: this.endpointOf(provider),
      embedding_dim: EMBEDDING_DIMENSIONS[modelId] ?? 1536,
      embedding_chunk_size: 300,
      batch_size: 32,
      provider_type: provider,
      provider_name: provider,
      provider_category: 'base',
    };
  }

  private async modelIds(provider: ProviderName): Promise<string[]> {
    const cached = this.#cache.get(provider);
    if (cached && Date.now() - cached.at < this.#ttlMs) return cached.ids;
    try {
      const ids = await this.fetchModelIds(provider);
      this.#cache.set(provider, { at: Date.now(), ids });
      this.lastErrors.delete(provider);
      return ids;
    } catch (error) {
      this.lastErrors.set(provider, error instanceof Error ? error.message : String(error));
      return [];
    }
  }

  private async fetchModelIds(provider: ProviderName): Promise<string[]> {
    const endpoint = this.endpointOf(provider);
    const headers: Record<string, string> = {};
    let url = `${endpoint}/models`;
    if (provider === 'openai' && this.settings.openai?.apiKey) headers.authorization = `Bearer ${this.settings.openai.apiKey}`;
    if (provider === 'anthropic') {
      headers['x-api-key'] = this.settings.anthropic!.apiKey;
      headers['anthropic-version'] = '2023-06-01';
      url += '?limit=1000';
    }
    if (provider === 'google_ai') url += `?key=${encodeURIComponent(this.settings.google!.apiKey)}`;
    const response = await this.#fetch(url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!response.ok) throw new Error(`${provider} answered ${response.status} for ${url.split('?')[0]}`);
    const body = (await response.json()) as { data?: { id?: string }[]; models?: { name?: string }[] };
    if (provider === 'google_ai') return (body.models ?? []).map((model) => (model.name ?? '').replace(/^models\//, '')).filter(Boolean);
    return (body.data ?? []).map((model) => model.id ?? '').filter(Boolean);
  }
}
