import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions';
import { ProviderError, providerErrorFromStatus } from '../errors.js';
import { emptyUsage, type ModelClient, type ModelRequest, type ModelResponse, type ModelStreamPart, type Usage } from '../model-client.js';
import { toOpenAIMessages } from './convert-messages.js';
import { mapOpenAIFinishReason } from './map-finish-reason.js';

export interface OpenAIChatModelOptions {
  /** The provider name in errors and logs (`openai`, `ollama` ...). */
  provider: string;
  client: OpenAI;
  /** api.openai.com takes `max_completion_tokens`; most compatible servers only `max_tokens`. */
  useMaxCompletionTokens: boolean;
}

type ChunkUsage = ChatCompletion['usage'];

function toUsage(usage: ChunkUsage | null | undefined): Usage {
  if (!usage) return emptyUsage();
  return {
    inputTokens: usage.prompt_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? 0,
    cachedInputTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    cacheWriteTokens: 0,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

/** Chat completions for OpenAI and every OpenAI-compatible server. */
export class OpenAIChatModel implements ModelClient {
  readonly provider: string;

  constructor(
    readonly modelId: string,
    private readonly options: OpenAIChatModelOptions,
  ) {
    this.provider = options.provider;
  }

  private args(request: ModelRequest): { body: ChatCompletionCreateParamsBase; warnings: string[] } {
    const { settings } = request;
    const warnings: string[] = [];
    const body: ChatCompletionCreateParamsBase = { model: this.modelId, messages: toOpenAIMessages(request.system, request.messages) };
    if (request.tools.length) {
      body.tools = request.tools.map((tool) => ({ type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } }));
      if (request.toolChoice) body.tool_choice = typeof request.toolChoice === 'string' ? request.toolChoice : { type: 'function', function: { name: request.toolChoice.name } };
      if (settings.parallelToolCalls !== undefined) body.parallel_tool_calls = settings.parallelToolCalls;
    }
    if (settings.temperature !== undefined) body.temperature = settings.temperature;
    if (settings.maxOutputTokens !== undefined) {
      if (this.options.useMaxCompletionTokens) body.max_completion_tokens = settings.maxOutputTokens;
      else body.max_tokens = settings.maxOutputTokens;
    }
    if (settings.reasoningEffort !== undefined && settings.reasoningEffort !== 'none') {
      body.reasoning_effort = settings.reasoningEffort as ChatCompletionCreateParamsBase['reasoning_effort'];
    }
    if (settings.responseFormat) body.response_format = settings.responseFormat as ChatCompletionCreateParamsBase['response_format'];
    if (settings.thinkingBudgetTokens) warnings.push('thinking budgets are an Anthropic setting; ignored for OpenAI-compatible models');
    return { body, warnings };
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    const { body, warnings } = this.args(request);
    let completion: ChatCompletion;
    try {
      completion = await this.options.client.chat.completions.create({ ...body, stream: false }, { signal: request.signal });
    } catch (error) {
      throw this.mapError(error);
    }
    const choice = completion.choices?.[0];
    if (!choice) throw new ProviderError(this.provider, 'llm_empty_response', 'the response has no choices', 200, true, completion);
    const message = choice.message as typeof choice.message & { reasoning_content?: string | null };
    return {
      text: message.content ?? '',
      reasoning: message.reasoning_content ? [{ text: message.reasoning_content }] : [],
      toolCalls: (message.tool_calls ?? [])
        .filter((call) => call.type === 'function')
        .map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments })),
      finishReason: mapOpenAIFinishReason(choice.finish_reason),
      usage: toUsage(completion.usage),
      warnings,
    };
  }

  async *stream(request: ModelRequest): AsyncIterable<ModelStreamPart> {
    const { body, warnings } = this.args(request);
    let finishReason = mapOpenAIFinishReason(null);
    let usage = emptyUsage();
    let reasoningOpen = false;
    const calls = new Map<number, string>();
    try {
      const stream = await this.options.client.chat.completions.create(
        { ...body, stream: true, stream_options: { include_usage: true } },
        { signal: request.signal },
      );
      for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
        if (chunk.usage) usage = toUsage(chunk.usage);
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        const delta = choice.delta as typeof choice.delta & { reasoning_content?: string | null };
        if (delta.reasoning_content) {
          reasoningOpen = true;
          yield { type: 'reasoning-delta', delta: delta.reasoning_content };
        }
        if (delta.content) {
          if (reasoningOpen) {
            reasoningOpen = false;
            yield { type: 'reasoning-end' };
          }
          yield { type: 'text-delta', delta: delta.content };
        }
        for (const call of delta.tool_calls ?? []) {
          if (reasoningOpen) {
            reasoningOpen = false;
            yield { type: 'reasoning-end' };
          }
          if (!calls.has(call.index)) {
            const id = call.id ?? `call_${call.index}`;
            calls.set(call.index, id);
            yield { type: 'tool-call-start', index: call.index, id, name: call.function?.name ?? '' };
          }
          if (call.function?.arguments) yield { type: 'tool-call-delta', index: call.index, id: calls.get(call.index)!, argumentsDelta: call.function.arguments };
        }
        if (choice.finish_reason) finishReason = mapOpenAIFinishReason(choice.finish_reason);
      }
    } catch (error) {
      throw this.mapError(error);
    }
    if (reasoningOpen) yield { type: 'reasoning-end' };
    if (finishReason.raw === null) throw new ProviderError(this.provider, 'llm_error', 'the stream ended before the model finished', null, true);
    yield { type: 'finish', finishReason, usage, warnings };
  }

  private mapError(error: unknown): Error {
    if (error instanceof ProviderError) return error;
    if (error instanceof APIUserAbortError) return error;
    if (error instanceof APIConnectionTimeoutError) return new ProviderError(this.provider, 'llm_timeout', 'the request timed out', null, true, undefined, { cause: error });
    if (error instanceof APIError) {
      const message = (error.error as { message?: string } | undefined)?.message ?? error.message;
      return providerErrorFromStatus(this.provider, error.status ?? null, message, error.error, error);
    }
    if (error instanceof SyntaxError) {
      return new ProviderError(this.provider, 'llm_invalid_response', `the response could not be read: ${error.message}`, 200, true, undefined, { cause: error });
    }
    return new ProviderError(this.provider, 'llm_error', error instanceof Error ? error.message : String(error), null, true, undefined, { cause: error });
  }
}
