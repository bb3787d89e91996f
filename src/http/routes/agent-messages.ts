import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { ValidationError } from '../../errors.js';
import { agentIdParams, agentStateSchema, compactionSettingsSchema } from '../../schemas/agents.js';
import { toAgentState } from '../../serializers/agent-state.js';
import { idSchema } from '../../schemas/common.js';
import { lettaMessageSchema, lettaResponseSchema, listMessagesQuerySchema, sendMessagesRequestSchema, type SendMessagesRequest } from '../../schemas/messages.js';
import { lettaResponseOf, respondWithStream } from './message-responses.js';
import { toLettaMessages } from '../../serializers/letta-message.js';
import { toRunWire } from '../../serializers/run.js';

export function agentMessageRoutes({ messages, runStreams, agents, runs }: AppContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    const stream = async (request: FastifyRequest, reply: FastifyReply, agentId: string, body: SendMessagesRequest) =>
      respondWithStream(request, reply, runStreams, await messages.start(agentId, body), body);

    app.post(
      '/agents/:agent_id/messages/stream',
      { schema: { params: agentIdParams, body: sendMessagesRequestSchema } },
      async (request, reply) => stream(request, reply, request.params.agent_id, request.body),
    );

    app.post(
      '/agents/:agent_id/messages',
      { schema: { params: agentIdParams, body: sendMessagesRequestSchema, response: { 200: lettaResponseSchema } } },
      async (request, reply) => {
        const body = request.body;
        if (body.streaming) return stream(request, reply, request.params.agent_id, body);
        const streamOnly = (['stream_tokens', 'include_pings', 'background'] as const).find((field) => body[field] !== undefined);
        if (streamOnly) throw ValidationError.field(`body.${streamOnly}`, 'applies only to streaming requests (set streaming: true or use /messages/stream)');
        return lettaResponseOf(await messages.send(request.params.agent_id, body), body);
      },
    );

    app.patch(
      '/agents/:agent_id/reset-messages',
      { schema: { params: agentIdParams, body: z.object({ add_default_initial_messages: z.boolean().default(false) }).nullish(), response: { 200: agentStateSchema } } },
      async (request) => {
        await messages.reset(request.params.agent_id, request.body?.add_default_initial_messages ?? false);
        return toAgentState(await agents.get(request.params.agent_id));
      },
    );

    // An async run is a background run the client polls (GET /v1/runs/{id}) or streams later.
    app.post(
      '/agents/:agent_id/summarize',
      { schema: { params: agentIdParams, body: z.object({ compaction_settings: compactionSettingsSchema.nullish() }).nullish() } },
      async (request) => {
        const outcome = await messages.summarize(request.params.agent_id, request.body?.compaction_settings ?? null);
        return { summary: outcome.summary, num_messages_before: outcome.messagesBefore, num_messages_after: outcome.messagesAfter };
      },
    );

    app.post('/agents/:agent_id/messages/async', { schema: { params: agentIdParams, body: sendMessagesRequestSchema } }, async (request) => {
      const body = { ...request.body, background: true };
      const run = await messages.start(request.params.agent_id, body);
      runStreams.startBackground(run, {
        streamTokens: false,
        includePings: false,
        includeTypes: body.include_return_message_types,
        useAssistantMessage: body.use_assistant_message,
        assistantMessageToolName: body.assistant_message_tool_name,
        assistantMessageToolKwarg: body.assistant_message_tool_kwarg,
        onUnexpectedError: (error: unknown) => request.log.error({ err: error }, 'async run failed'),
      });
      return toRunWire(await runs.get(run.runId));
    });

    app.post(
      '/agents/:agent_id/messages/cancel',
      { schema: { params: agentIdParams, body: z.object({ run_ids: z.array(idSchema('run')).nullish() }).nullish() } },
      async (request) => messages.cancel(request.params.agent_id, request.body?.run_ids),
    );

    app.get(
      '/agents/:agent_id/messages',
      { schema: { params: agentIdParams, querystring: listMessagesQuerySchema, response: { 200: z.array(lettaMessageSchema) } } },
      async (request) => {
        const query = request.query;
        const list = await messages.list(request.params.agent_id, { before: query.before, after: query.after, limit: query.limit, order: query.order }, query.conversation_id);
        const options = {
          useAssistantMessage: query.use_assistant_message,
          assistantMessageToolName: query.assistant_message_tool_name,
          assistantMessageToolKwarg: query.assistant_message_tool_kwarg,
        };
        return list.flatMap((message) => toLettaMessages(message, options));
      },
    );
  };
}
