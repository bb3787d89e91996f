import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SendMessagesRequest } from '../../schemas/messages.js';
import { toLettaResponse } from '../../serializers/letta-response.js';
import type { SendResult, StartedRun } from '../../services/messages.js';
import type { RunStreams } from '../../streaming/background-runs.js';
import { streamRun } from '../../streaming/stream-run.js';

/** Answers a send with the run's SSE stream; a background run goes on if the client leaves. */
export async function respondWithStream(request: FastifyRequest, reply: FastifyReply, runStreams: RunStreams, run: StartedRun, body: SendMessagesRequest): Promise<void> {
  const options = {
    streamTokens: body.stream_tokens ?? false,
    includePings: body.include_pings ?? true,
    includeTypes: body.include_return_message_types,
    useAssistantMessage: body.use_assistant_message,
    assistantMessageToolName: body.assistant_message_tool_name,
    assistantMessageToolKwarg: body.assistant_message_tool_kwarg,
    onUnexpectedError: (error: unknown) => request.log.error({ err: error }, 'streamed run failed'),
  };
  reply.hijack();
  if (!body.background) return streamRun(reply.raw, run, options);
  // The run goes on if this client leaves; any client can resume it from /v1/runs/{id}/stream.
  runStreams.startBackground(run, options);
  await runStreams.resume(reply.raw, run.runId, { startingAfter: 0, includePings: options.includePings, pollIntervalMs: 50, batchSize: 200 });
}

/** Answers a non-streaming send with Letta's LettaResponse (a failed model call is the HTTP error). */
export function lettaResponseOf({ runId, result }: SendResult, body: SendMessagesRequest) {
  if (result.error) throw result.error;
  return toLettaResponse(result, runId, {
    useAssistantMessage: body.use_assistant_message,
    assistantMessageToolName: body.assistant_message_tool_name,
    assistantMessageToolKwarg: body.assistant_message_tool_kwarg,
    includeTypes: body.include_return_message_types,
  });
}
