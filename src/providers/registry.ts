import Anthropic from '@anthropic-ai/sdk';
import type { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import type { ProviderSettings } from '../config.js';
import { ProviderError } from './errors.js';
import { AnthropicMessagesModel } from './anthropic/messages.js';
import { createGoogleClient, GeminiModel } from './google/generate-content.js';
import type { ModelClient } from './model-client.js';
import { createProviderFetch } from './provider-fetch.js';
import { OpenAIChatModel } from './openai/chat.js';

const REQUEST_TIMEOUT_MS = 120_000;

export interface ProviderRegistryOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** Builds the model client for an agent's llm_config from the configured providers. */
export class ProviderRegistry {
  private readonly openaiClients = new Map<string, OpenAI>();
  private anthropicClient?: Anthropic;
  private googleClient?: GoogleGenAI;

  private readonly options: ProviderRegistryOptions;

  constructor(
    private readonly settings: ProviderSettings,
    options: ProviderRegistryOptions = {},
  ) {
    this.options = { ...options, fetch: options.fetch ?? createProviderFetch() };
  }

  clientFor(llmConfig: Record<string, unknown>): ModelClient {
    const endpointType = String(llmConfig.model_endpoint_type ?? '');
    const model = String(llmConfig.model ?? '');
    switch (endpointType) {
      case 'openai': {
        const openai = this.settings.openai;
        if (!openai) throw this.notConfigured('openai', 'OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server)');
        const baseURL = openai.baseURL ?? 'https://api.openai.com/v1';
        return new OpenAIChatModel(model, { provider: 'openai', client: this.openaiClient(baseURL, openai.apiKey), useMaxCompletionTokens: baseURL.includes('api.openai.com') });
      }
      case 'ollama': {
        const ollama = this.settings.ollama;
        if (!ollama) throw this.notConfigured('ollama', 'OLLAMA_BASE_URL');
        const baseURL = `${ollama.baseURL.replace(/\/+$/, '').replace(/\/v1$/, '')}/v1`;
        return new OpenAIChatModel(model, { provider: 'ollama', client: this.openaiClient(baseURL, 'ollama'), useMaxCompletionTokens: false });
      }
      case 'anthropic': {
        const anthropic = this.settings.anthropic;
        if (!anthropic) throw this.notConfigured('anthropic', 'ANTHROPIC_API_KEY');
        // The SDK adds `/v1/messages` itself.
        this.anthropicClient ??= new Anthropic({
          apiKey: anthropic.apiKey,
          baseURL: (anthropic.baseURL ?? 'https://api.anthropic.com').replace(/\/+$/, '').replace(/\/v1$/, ''),
          maxRetries: 0,
          timeout: this.options.timeoutMs ?? REQUEST_TIMEOUT_MS,
          fetch: this.options.fetch,
        });
        return new AnthropicMessagesModel(model, { provider: 'anthropic', client: this.anthropicClient });
      }
      case 'google_ai': {
        const google = this.settings.google;
        if (!google) throw this.notConfigured('google_ai', 'GEMINI_API_KEY');
        this.googleClient ??= createGoogleClient(google, { timeoutMs: this.options.timeoutMs ?? REQUEST_TIMEOUT_MS, fetch: this.options.fetch });
        return new GeminiModel(model, { provider: 'google_ai', client: this.googleClient });
      }
      default:
        throw new ProviderError(endpointType || 'unknown', 'llm_bad_request', `no chat adapter for provider "${endpointType}" yet`, null, false);
    }
  }

  private openaiClient(baseURL: string, apiKey: string): OpenAI {
    const key = `${baseURL}\u0000${apiKey}`;
    let client = this.openaiClients.get(key);
    if (!client) {
      // Retries are the engine's decision, not the SDK's.
      client = new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: this.options.timeoutMs ?? REQUEST_TIMEOUT_MS, fetch: this.options.fetch });
      this.openaiClients.set(key, client);
    }
    return client;
  }

  private notConfigured(provider: string, variables: string): ProviderError {
    return new ProviderError(provider, 'llm_authentication', `the ${provider} provider is not configured: set ${variables}`, null, false);
  }
}
