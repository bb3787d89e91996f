import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { LoopObserver, LoopResult } from '../engine/agent-loop.js';
import { ProviderError } from '../providers/errors.js';
import { toLettaMessages, type LettaMessageOptions, type LettaMessageWire } from '../serializers/letta-message.js';
import { toUsageStatistics } from '../serializers/letta-response.js';
import type { StartedRun } from '../services/messages.js';
import { SseWriter } from './sse.js';
import { TokenChunker } from './token-chunks.js';

export interface StreamOptions extends LettaMessageOptions {
  streamTokens: boolean;
  includePings: boolean;
  includeTypes?: string[] | null;
  onUnexpectedError(error: unknown): void;
}

function errorEvent(runId: string, error: Error | undefined): Record<string, unknown> {
  const type = error instanceof ProviderError ? error.type : 'internal_error';
  const errorType = type === 'llm_context_window_exceeded' || type === 'llm_bad_request' || type === 'llm_invalid_response' ? 'llm_error' : type;
  const message = error instanceof ProviderError ? error.message : 'The run failed on the server';
  return { message_type: 'error_message', run_id: runId, error_type: errorType, message, detail: message };
}

/**
 * Runs `run` while streaming its messages as Letta SSE on `response`: a ping with the run id first,
 * each step's messages (or each token delta with `streamTokens`), then the stop reason and usage
 * (or the error), then `[DONE]`. If the client goes away the run is cancelled.
 */
export async function streamRun(response: ServerResponse, run: StartedRun, options: StreamOptions): Promise<void> {
  let seq = 0;
  const ping = () => ({ id: `ping-${randomUUID()}`, message_type: 'ping', run_id: run.runId, seq_id: ++seq });
  const writer = new SseWriter(response, options.includePings ? ping : undefined);
  writer.start();
  if (options.includePings) writer.send(ping());
  const controller = new AbortController();
  // Aborting after the run has finished is a no-op; before, it cancels the run.
  writer.onClose(() => controller.abort());
  const emit = (message: LettaMessageWire) => {
    if (options.includeTypes && !options.includeTypes.includes(message.message_type)) return;
    writer.send({ ...message, seq_id: ++seq });
  };
  const chunker = new TokenChunker(run.runId);
  const observer: LoopObserver = {
    signal: controller.signal,
    ...(options.streamTokens
      ? {
          onModelPart: (part, messageId) => {
            const chunk = chunker.chunk(part, messageId);
            if (chunk) emit(chunk);
          },
        }
      : {}),
    onStepCommitted: (messages) => {
      for (const message of messages) {
        for (const wire of toLettaMessages(message, options)) {
          // With token streaming the model's own output went out as deltas; tool results go whole.
          if (options.streamTokens && message.role === 'assistant') continue;
          emit(wire);
        }
      }
    },
  };
  let result: LoopResult | undefined;
  let failure: Error | undefined;
  try {
    result = await run.execute(observer);
    failure = result.error;
  } catch (error) {
    options.onUnexpectedError(error);
    failure = error instanceof Error ? error : new Error(String(error));
  }
  writer.send({ message_type: 'stop_reason', stop_reason: result?.stopReason ?? 'error' });
  if (failure) writer.sendError({ ...errorEvent(run.runId, failure), seq_id: ++seq });
  else writer.send(toUsageStatistics(result!, [run.runId]));
  writer.end();
}
