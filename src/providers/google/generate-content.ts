import { ApiError, FunctionCallingConfigMode, ThinkingLevel, type GenerateContentConfig, type GenerateContentResponse, type GenerateContentResponseUsageMetadata, GoogleGenAI, type Part } from '@google/genai';
import { ProviderError, providerErrorFromStatus } from '../errors.js';
import { emptyUsage, type ModelClient, type ModelRequest, type ModelResponse, type ModelStreamPart, type Usage } from '../model-client.js';
import { LOCAL_CALL_ID_PREFIX, toGeminiContents } from './convert-contents.js';
import { mapGeminiFinishReason } from './map-finish-reason.js';

export interface GeminiModelOptions {
  /** The provider name in errors and logs. */
  provider: string;
  client: GoogleGenAI;
}

const THINKING_LEVELS: Record<string, ThinkingLevel> = {
  minimal: ThinkingLevel.MINIMAL,
  low: ThinkingLevel.LOW,
  medium: ThinkingLevel.MEDIUM,
  high: ThinkingLevel.HIGH,
  xhigh: ThinkingLevel.HIGH,
};

function toUsage(usage: GenerateContentResponseUsageMetadata | undefined): Usage {
  if (!usage) return emptyUsage();
  const thoughts = usage.thoughtsTokenCount ?? 0;
  return {
    inputTokens: usage.promptTokenCount ?? 0,
    outputTokens: (usage.candidatesTokenCount ?? 0) + thoughts,
    cachedInputTokens: usage.cachedContentTokenCount ?? 0,
    cacheWriteTokens: 0,
    reasoningTokens: thoughts,
  };
}

/** The API's error body is JSON inside the SDK's message; its `error.message` is what the provider said. */
function providerMessage(error: ApiError): string {
  const start = error.message.indexOf('{');
  if (start >= 0) {
    try {
      const body = JSON.parse(error.message.slice(start)) as { error?: { message?: unknown } };
      if (typeof body.error?.message === 'string') return body.error.message;
    } catch {
      // not JSON: the message as it is
    }
  }
  return error.message;
}

/** A Gemini base URL without its API version, as the SDK wants it (the SDK adds `/v1beta`). */
export function googleApiRoot(baseURL: string): string {
  return baseURL.replace(/\/+$/, '').replace(/\/v1(beta)?$/, '');
}

/** A Gemini API client for the configured key and base URL; retries are the caller's, not the SDK's. */
export function createGoogleClient(settings: { apiKey: string; baseURL?: string }, options: { timeoutMs: number; fetch?: typeof fetch }): GoogleGenAI {
  // The SDK adds the API version (`/v1beta`) itself.
  return new GoogleGenAI({
    apiKey: settings.apiKey,
    httpOptions: {
      ...(settings.baseURL ? { baseUrl: googleApiRoot(settings.baseURL) } : {}),
      timeout: options.timeoutMs,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    },
  });
}

/** Gemini through the Gemini API's generateContent. */
export class GeminiModel implements ModelClient {
  readonly provider: string;
  private localCallIds = 0;

  constructor(
    readonly modelId: string,
    private readonly options: GeminiModelOptions,
  ) {
    this.provider = options.provider;
  }

  private args(request: ModelRequest): { config: GenerateContentConfig; warnings: string[] } {
    const { settings } = request;
    const warnings: string[] = [];
    const config: GenerateContentConfig = { abortSignal: request.signal };
    if (request.system) config.systemInstruction = request.system;
    if (settings.temperature !== undefined) config.temperature = settings.temperature;
    if (settings.maxOutputTokens !== undefined) config.maxOutputTokens = settings.maxOutputTokens;
    if (settings.thinkingBudgetTokens) config.thinkingConfig = { thinkingBudget: settings.thinkingBudgetTokens, includeThoughts: true };
    else if (settings.reasoningEffort && settings.reasoningEffort !== 'none') {
      config.thinkingConfig = { thinkingLevel: THINKING_LEVELS[settings.reasoningEffort], includeThoughts: true };
    }
    if (settings.responseFormat?.type === 'json_object') config.responseMimeType = 'application/json';
    else if (settings.responseFormat?.type === 'json_schema') {
      config.responseMimeType = 'application/json';
      config.responseJsonSchema = settings.responseFormat.json_schema.schema ?? settings.responseFormat.json_schema;
    }
    if (request.tools.length) {
      config.tools = [{ functionDeclarations: request.tools.map((tool) => ({ name: tool.name, description: tool.description, parametersJsonSchema: tool.parameters })) }];
      const choice = request.toolChoice;
      if (choice === 'none') config.toolConfig = { functionCallingConfig: { mode: FunctionCallingConfigMode.NONE } };
      else if (choice === 'required') config.toolConfig = { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } };
      else if (typeof choice === 'object') config.toolConfig = { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: [choice.name] } };
      if (settings.parallelToolCalls === false) warnings.push('Gemini has no switch for parallel tool calls; ignored');
    }
    return { config, warnings };
  }

  private callId(id: string | undefined): string {
    return id || `${LOCAL_CALL_ID_PREFIX}${++this.localCallIds}-${Date.now().toString(36)}`;
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    const { config, warnings } = this.args(request);
    let response: GenerateContentResponse;
    try {
      response = await this.options.client.models.generateContent({ model: this.modelId, contents: toGeminiContents(request.messages), config });
    } catch (error) {
      throw this.mapError(error, request);
    }
    const candidate = response.candidates?.[0];
    if (!candidate) {
      const blocked = response.promptFeedback?.blockReason;
      throw new ProviderError(this.provider, 'llm_empty_response', blocked ? `the prompt was blocked: ${blocked}` : 'the response has no candidates', 200, !blocked, response);
    }
    let text = '';
    let thought = '';
    let signature: string | undefined;
    const toolCalls: ModelResponse['toolCalls'] = [];
    for (const part of candidate.content?.parts ?? []) {
      if (part.thoughtSignature) signature ??= part.thoughtSignature;
      if (part.functionCall) toolCalls.push({ id: this.callId(part.functionCall.id), name: part.functionCall.name ?? '', arguments: JSON.stringify(part.functionCall.args ?? {}) });
      else if (part.thought) thought += part.text ?? '';
      else if (part.text) text += part.text;
    }
    const reasoning = thought || signature ? [{ text: thought, ...(signature ? { signature } : {}) }] : [];
    return { text, reasoning, toolCalls, finishReason: mapGeminiFinishReason(candidate.finishReason, toolCalls.length > 0), usage: toUsage(response.usageMetadata), warnings };
  }

  async *stream(request: ModelRequest): AsyncIterable<ModelStreamPart> {
    const { config, warnings } = this.args(request);
    let rawFinish: string | undefined;
    let usage = emptyUsage();
    let signature: string | undefined;
    let thinking = false;
    let calls = 0;
    const endReasoning = (): ModelStreamPart | undefined => {
      if (!thinking && !signature) return undefined;
      const part: ModelStreamPart = signature ? { type: 'reasoning-end', signature } : { type: 'reasoning-end' };
      thinking = false;
      signature = undefined;
      return part;
    };
    try {
      const chunks = await this.options.client.models.generateContentStream({ model: this.modelId, contents: toGeminiContents(request.messages), config });
      for await (const chunk of chunks) {
        if (chunk.usageMetadata) usage = toUsage(chunk.usageMetadata);
        const candidate = chunk.candidates?.[0];
        if (!candidate) continue;
        for (const part of (candidate.content?.parts ?? []) as Part[]) {
          if (part.thought && !part.functionCall) {
            thinking = true;
            if (part.thoughtSignature) signature = part.thoughtSignature;
            if (part.text) yield { type: 'reasoning-delta', delta: part.text };
            continue;
          }
          if (part.thoughtSignature) signature ??= part.thoughtSignature;
          const ended = endReasoning();
          if (ended) yield ended;
          if (part.functionCall) {
            // Gemini sends each call whole, never in pieces.
            const index = calls++;
            const id = this.callId(part.functionCall.id);
            yield { type: 'tool-call-start', index, id, name: part.functionCall.name ?? '' };
            yield { type: 'tool-call-delta', index, id, argumentsDelta: JSON.stringify(part.functionCall.args ?? {}) };
          } else if (part.text) yield { type: 'text-delta', delta: part.text };
        }
        if (candidate.finishReason) rawFinish = candidate.finishReason;
      }
    } catch (error) {
      throw this.mapError(error, request);
    }
    const ended = endReasoning();
    if (ended) yield ended;
    if (rawFinish === undefined) throw new ProviderError(this.provider, 'llm_error', 'the stream ended before the model finished', null, true);
    yield { type: 'finish', finishReason: mapGeminiFinishReason(rawFinish, calls > 0), usage, warnings };
  }

  private mapError(error: unknown, request: ModelRequest): Error {
    if (error instanceof ProviderError) return error;
    if (request.signal?.aborted) return error instanceof Error ? error : new Error(String(error));
    if (error instanceof ApiError) return providerErrorFromStatus(this.provider, error.status ?? null, providerMessage(error), undefined, error);
    if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
      return new ProviderError(this.provider, 'llm_timeout', 'the request timed out', null, true, undefined, { cause: error });
    }
    if (error instanceof SyntaxError) {
      return new ProviderError(this.provider, 'llm_invalid_response', `the response could not be read: ${error.message}`, 200, true, undefined, { cause: error });
    }
    return new ProviderError(this.provider, 'llm_error', error instanceof Error ? error.message : String(error), null, true, undefined, { cause: error });
  }
}
