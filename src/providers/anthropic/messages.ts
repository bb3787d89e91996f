import Anthropic, { APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import type { Message, MessageCreateParamsBase, MessageDeltaUsage, RawMessageStreamEvent, ToolChoice, Usage as AnthropicUsage } from '@anthropic-ai/sdk/resources/messages';
import { ProviderError, providerErrorFromStatus } from '../errors.js';
import { emptyUsage, type ModelClient, type ModelRequest, type ModelResponse, type ModelStreamPart, type Reasoning, type Usage } from '../model-client.js';
import { toAnthropicMessages } from './convert-messages.js';
import { mapAnthropicStopReason } from './map-stop-reason.js';

export interface AnthropicMessagesModelOptions {
  /** The provider name in errors and logs. */
  provider: string;
  client: Anthropic;
}

const DEFAULT_MAX_TOKENS = 8192;

/** An `error` event inside a 200 stream has no HTTP status; these are the statuses its type stands for. */
const STATUS_OF_ERROR_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

function toUsage(usage: Partial<AnthropicUsage | MessageDeltaUsage> | null | undefined, previous = emptyUsage()): Usage {
  if (!usage) return previous;
  return {
    inputTokens: usage.input_tokens ?? previous.inputTokens,
    outputTokens: usage.output_tokens ?? previous.outputTokens,
    cachedInputTokens: usage.cache_read_input_tokens ?? previous.cachedInputTokens,
    cacheWriteTokens: usage.cache_creation_input_tokens ?? previous.cacheWriteTokens,
    reasoningTokens: usage.output_tokens_details?.thinking_tokens ?? previous.reasoningTokens,
  };
}

/** Claude through the Anthropic Messages API. */
export class AnthropicMessagesModel implements ModelClient {
  readonly provider: string;

  constructor(
    readonly modelId: string,
    private readonly options: AnthropicMessagesModelOptions,
  ) {
    this.provider = options.provider;
  }

  private args(request: ModelRequest): { body: MessageCreateParamsBase; warnings: string[] } {
    const { settings } = request;
    const warnings: string[] = [];
    const body: MessageCreateParamsBase = {
      model: this.modelId,
      max_tokens: settings.maxOutputTokens ?? DEFAULT_MAX_TOKENS,
      messages: toAnthropicMessages(request.messages),
    };
    if (request.system) body.system = request.system;
    const choice = request.toolChoice;
    const forcesTool = choice === 'required' || typeof choice === 'object';
    let budget = settings.thinkingBudgetTokens ?? 0;
    if (budget > 0 && request.tools.length && forcesTool) {
      warnings.push('extended thinking cannot be combined with a forced tool choice; thinking is off for this request');
      budget = 0;
    }
    if (budget > 0) {
      body.thinking = { type: 'enabled', budget_tokens: budget };
      // max_tokens must exceed the budget: the output limit applies to the reply after the thinking.
      body.max_tokens += budget;
    }
    if (request.tools.length) {
      body.tools = request.tools.map((tool) => ({
        name: tool.name,
        description: tool.description,
        input_schema: tool.parameters as { type: 'object' },
      }));
      const toolChoice = this.toolChoice(request);
      if (toolChoice) body.tool_choice = toolChoice;
    }
    // API version 2026-10-21, which this SDK sends, rejects every sampling parameter.
    if (settings.temperature !== undefined) warnings.push('temperature is not accepted by the Anthropic API; ignored');
    if (settings.reasoningEffort !== undefined && settings.reasoningEffort !== 'none') {
      warnings.push('reasoning effort is not supported for Anthropic models; use a thinking budget');
    }
    if (settings.responseFormat && settings.responseFormat.type !== 'text') warnings.push('response formats are not supported for Anthropic models; ignored');
    return { body, warnings };
  }

  private toolChoice(request: ModelRequest): ToolChoice | undefined {
    const choice = request.toolChoice;
    const noParallel = request.settings.parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
    if (choice === 'none') return { type: 'none' };
    if (choice === 'required') return { type: 'any', ...noParallel };
    if (typeof choice === 'object') return { type: 'tool', name: choice.name, ...noParallel };
    if (choice === 'auto' || request.settings.parallelToolCalls === false) return { type: 'auto', ...noParallel };
    return undefined;
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    const { body, warnings } = this.args(request);
    let message: Message;
    try {
      message = await this.options.client.messages.create({ ...body, stream: false }, { signal: request.signal });
    } catch (error) {
      throw this.mapError(error);
    }
    if (!Array.isArray(message?.content)) {
      throw new ProviderError(this.provider, 'llm_invalid_response', 'the response has no content blocks', 200, true, message);
    }
    let text = '';
    const reasoning: Reasoning[] = [];
    const toolCalls: ModelResponse['toolCalls'] = [];
    for (const block of message.content) {
      if (block.type === 'text') text += block.text;
      else if (block.type === 'thinking') reasoning.push({ text: block.thinking, ...(block.signature ? { signature: block.signature } : {}) });
      else if (block.type === 'redacted_thinking') reasoning.push({ text: '', redacted: block.data });
      else if (block.type === 'tool_use') toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
    }
    return { text, reasoning, toolCalls, finishReason: mapAnthropicStopReason(message.stop_reason), usage: toUsage(message.usage), warnings };
  }

  async *stream(request: ModelRequest): AsyncIterable<ModelStreamPart> {
    const { body, warnings } = this.args(request);
    let finishReason = mapAnthropicStopReason(null);
    let usage = emptyUsage();
    let stopped = false;
    const signatures = new Map<number, string>();
    const thinkingBlocks = new Set<number>();
    const toolBlocks = new Map<number, { index: number; id: string; sentArguments: boolean }>();
    try {
      const events = await this.options.client.messages.create({ ...body, stream: true }, { signal: request.signal });
      for await (const event of events as AsyncIterable<RawMessageStreamEvent>) {
        switch (event.type) {
          case 'message_start':
            usage = toUsage(event.message.usage, usage);
            break;
          case 'content_block_start': {
            const block = event.content_block;
            if (block.type === 'text' && block.text) yield { type: 'text-delta', delta: block.text };
            else if (block.type === 'thinking') {
              thinkingBlocks.add(event.index);
              if (block.signature) signatures.set(event.index, block.signature);
              if (block.thinking) yield { type: 'reasoning-delta', delta: block.thinking };
            } else if (block.type === 'redacted_thinking') yield { type: 'reasoning-end', redacted: block.data };
            else if (block.type === 'tool_use') {
              const call = { index: toolBlocks.size, id: block.id, sentArguments: false };
              toolBlocks.set(event.index, call);
              yield { type: 'tool-call-start', index: call.index, id: block.id, name: block.name };
            }
            break;
          }
          case 'content_block_delta': {
            const delta = event.delta;
            if (delta.type === 'text_delta') yield { type: 'text-delta', delta: delta.text };
            else if (delta.type === 'thinking_delta') yield { type: 'reasoning-delta', delta: delta.thinking };
            else if (delta.type === 'signature_delta') signatures.set(event.index, (signatures.get(event.index) ?? '') + delta.signature);
            else if (delta.type === 'input_json_delta' && delta.partial_json) {
              const call = toolBlocks.get(event.index);
              if (!call) break;
              call.sentArguments = true;
              yield { type: 'tool-call-delta', index: call.index, id: call.id, argumentsDelta: delta.partial_json };
            }
            break;
          }
          case 'content_block_stop': {
            if (thinkingBlocks.has(event.index)) {
              const signature = signatures.get(event.index);
              yield signature ? { type: 'reasoning-end', signature } : { type: 'reasoning-end' };
            }
            const call = toolBlocks.get(event.index);
            // A call without arguments streams no input_json_delta; generate() reports its input as `{}`.
            if (call && !call.sentArguments) yield { type: 'tool-call-delta', index: call.index, id: call.id, argumentsDelta: '{}' };
            break;
          }
          case 'message_delta':
            if (event.delta.stop_reason) finishReason = mapAnthropicStopReason(event.delta.stop_reason);
            usage = toUsage(event.usage, usage);
            break;
          case 'message_stop':
            stopped = true;
            break;
        }
      }
    } catch (error) {
      throw this.mapError(error);
    }
    // The SDK ends an aborted stream quietly.
    if (request.signal?.aborted) throw new APIUserAbortError();
    if (!stopped) throw new ProviderError(this.provider, 'llm_error', 'the stream ended before the model finished', null, true);
    yield { type: 'finish', finishReason, usage, warnings };
  }

  private mapError(error: unknown): Error {
    if (error instanceof ProviderError) return error;
    if (error instanceof APIUserAbortError) return error;
    if (error instanceof APIConnectionTimeoutError) return new ProviderError(this.provider, 'llm_timeout', 'the request timed out', null, true, undefined, { cause: error });
    if (error instanceof APIError) {
      const status = error.status ?? (error.type ? STATUS_OF_ERROR_TYPE[error.type] : undefined) ?? null;
      return providerErrorFromStatus(this.provider, status, error.apiMessage ?? error.message, error.error, error);
    }
    if (error instanceof SyntaxError) {
      return new ProviderError(this.provider, 'llm_invalid_response', `the response could not be read: ${error.message}`, 200, true, undefined, { cause: error });
    }
    return new ProviderError(this.provider, 'llm_error', error instanceof Error ? error.message : String(error), null, true, undefined, { cause: error });
  }
}
