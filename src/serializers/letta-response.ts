import type { LoopResult } from '../engine/agent-loop.js';
import { toLettaMessages, type LettaMessageOptions, type LettaMessageWire } from './letta-message.js';

export function toUsageStatistics(result: LoopResult, runIds: string[]) {
  const { usage } = result;
  return {
    message_type: 'usage_statistics' as const,
    completion_tokens: usage.outputTokens,
    prompt_tokens: usage.inputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    step_count: usage.stepCount,
    run_ids: runIds,
    cached_input_tokens: usage.cachedInputTokens,
    cache_write_tokens: usage.cacheWriteTokens,
    reasoning_tokens: usage.reasoningTokens,
    context_tokens: usage.contextTokens,
  };
}

/** The non-streaming `LettaResponse`. */
export function toLettaResponse(result: LoopResult, runId: string, options: LettaMessageOptions & { includeTypes?: string[] | null }) {
  let messages: LettaMessageWire[] = result.messages.flatMap((message) => toLettaMessages(message, options));
  if (options.includeTypes) messages = messages.filter((message) => options.includeTypes!.includes(message.message_type));
  return {
    messages,
    stop_reason: { message_type: 'stop_reason' as const, stop_reason: result.stopReason },
    usage: toUsageStatistics(result, [runId]),
    logprobs: null,
    turns: null,
  };
}
