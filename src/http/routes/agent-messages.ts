import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { NotImplementedError } from '../../errors.js';
import { agentIdParams } from '../../schemas/agents.js';
import { lettaMessageSchema, lettaResponseSchema, listMessagesQuerySchema, sendMessagesRequestSchema } from '../../schemas/messages.js';
import { toLettaMessages } from '../../serializers/letta-message.js';
import { toLettaResponse } from '../../serializers/letta-response.js';

export function agentMessageRoutes({ messages }: AppContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.post(
      '/agents/:agent_id/messages',
      { schema: { params: agentIdParams, body: sendMessagesRequestSchema, response: { 200: lettaResponseSchema } } },
      async (request) => {
        const body = request.body;
        if (body.streaming) throw new NotImplementedError('Streaming responses');
        const { runId, result } = await messages.send(request.params.agent_id, body);
        if (result.error) throw result.error;
        return toLettaResponse(result, runId, {
          useAssistantMessage: body.use_assistant_message,
          assistantMessageToolName: body.assistant_message_tool_name,
          assistantMessageToolKwarg: body.assistant_message_tool_kwarg,
          includeTypes: body.include_return_message_types,
        });
      },
    );

    for (const path of ['/agents/:agent_id/messages/stream', '/agents/:agent_id/messages/async']) {
      app.post(path, { schema: { params: agentIdParams } }, async () => {
        throw new NotImplementedError(path.endsWith('stream') ? 'Streaming responses' : 'Asynchronous runs');
      });
    }

    app.get(
      '/agents/:agent_id/messages',
      { schema: { params: agentIdParams, querystring: listMessagesQuerySchema, response: { 200: z.array(lettaMessageSchema) } } },
      async (request) => {
        const query = request.query;
        const list = await messages.list(request.params.agent_id, { before: query.before, after: query.after, limit: query.limit, order: query.order });
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
