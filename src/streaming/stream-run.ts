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

/** One event of a run's stream; `final` events (stop reason, usage, error) carry no seq_id. */
export type RunStreamEvent = { kind: 'data' | 'error'; payload: Record<string, unknown> };

/** Where a run's events go: straight to one SSE response, or to the run's stored event log. */
export interface RunEventSink {
  send(event: RunStreamEvent): void;
  readonly signal?: AbortSignal;
}

export function pingEvent(runId: string, seqId: number): Record<string, unknown> {
  return { id: `ping-${randomUUID()}`, message_type: 'ping', run_id: runId, seq_id: seqId };
}

function errorPayload(runId: string, error: Error): Record<string, unknown> {
  const type = error instanceof ProviderError ? error.type : 'internal_error';
  const errorType = type === 'llm_context_window_exceeded' ? 'context_window_exceeded' : type === 'llm_bad_request' || type === 'llm_invalid_response' ? 'llm_error' : type;
  const message = error instanceof ProviderError ? error.message : 'The run failed on the server';
  return { message_type: 'error_message', run_id: runId, error_type: errorType, message, detail: message };
}

/**
 * Runs `run` and describes it as Letta stream events: a ping naming the run first (with pings on),
 * each step's messages (or each token delta with `streamTokens`), then the stop reason and either
 * the usage or an error event. Message events are numbered by seq_id from 1.
 */
export async function produceRunEvents(run: StartedRun, options: StreamOptions, sink: RunEventSink): Promise<void> {
  let seq = 0;
  if (options.includePings) sink.send({ kind: 'data', payload: pingEvent(run.runId, ++seq) });
  const emit = (message: LettaMessageWire) => {
    if (options.includeTypes && !options.includeTypes.includes(message.message_type)) return;
    sink.send({ kind: 'data', payload: { ...message, seq_id: ++seq } });
  };
  const chunker = new TokenChunker(run.runId);
  const observer: LoopObserver = {
    ...(sink.signal ? { signal: sink.signal } : {}),
    ...(options.streamTokens
      ? {
          onModelPart: (part, messageId, awaitsClient) => {
            const chunk = chunker.chunk(part, messageId, awaitsClient);
            if (chunk) emit(chunk);
          },
        }
      : {}),
    onStepCommitted: (messages) => {
      for (const message of messages) {
        // With token streaming the model's own output (approval requests too) went out as deltas; tool results go whole.
        if (options.streamTokens && (message.role === 'assistant' || (message.role === 'approval' && message.toolCalls?.length))) continue;
        for (const wire of toLettaMessages(message, options)) emit(wire);
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
  sink.send({ kind: 'data', payload: { message_type: 'stop_reason', stop_reason: result?.stopReason ?? 'error' } });
  if (failure) sink.send({ kind: 'error', payload: { ...errorPayload(run.runId, failure), seq_id: ++seq } });
  else sink.send({ kind: 'data', payload: toUsageStatistics(result!, [run.runId]) });
}

/** Streams a run on this response; the client going away cancels the run. */
export async function streamRun(response: ServerResponse, run: StartedRun, options: StreamOptions): Promise<void> {
  const writer = new SseWriter(response, options.includePings ? () => pingEvent(run.runId, 0) : undefined);
  writer.start();
  const controller = new AbortController();
  // Aborting after the run has finished is a no-op; before, it cancels the run.
  writer.onClose(() => controller.abort());
  await produceRunEvents(run, options, {
    signal: controller.signal,
    send: (event) => (event.kind === 'error' ? writer.sendError(event.payload) : writer.send(event.payload)),
  });
  writer.end();
}
