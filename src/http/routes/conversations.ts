import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../app-context.js';
import type { ConversationFields } from '../../domain/conversation.js';
import {
  conversationIdParams,
  createConversationQuerySchema,
  createConversationRequestSchema,
  listConversationMessagesQuerySchema,
  listConversationsQuerySchema,
  updateConversationRequestSchema,
} from '../../schemas/conversations.js';
import { sendMessagesRequestSchema } from '../../schemas/messages.js';
import { toConversationWire } from '../../serializers/conversation.js';
import { toLettaMessages } from '../../serializers/letta-message.js';
import { toLettaResponse } from '../../serializers/letta-response.js';
import { respondWithStream } from './message-streams.js';

type FieldsBody = { description?: string | null; summary?: string | null; model?: string | null; model_settings?: Record<string, unknown> | null; context_window_limit?: number | null } | null | undefined;

function fieldsOf(body: FieldsBody): ConversationFields {
  if (!body) return {};
  return {
    ...(body.description !== undefined ? { description: body.description } : {}),
    ...(body.summary !== undefined ? { summary: body.summary } : {}),
    ...(body.model !== undefined ? { model: body.model } : {}),
    ...(body.model_settings !== undefined ? { modelSettings: body.model_settings } : {}),
    ...(body.context_window_limit !== undefined ? { contextWindowLimit: body.context_window_limit } : {}),
  };
}

/** `/v1/conversations`: an agent's threads, and sending to them (streamed unless `streaming: false`). */
export function conversationRoutes({ conversations, messages, runStreams }: AppContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.post('/conversations', { schema: { querystring: createConversationQuerySchema, body: createConversationRequestSchema } }, async (request) =>
      toConversationWire(await conversations.create(request.query.agent_id, { ...fieldsOf(request.body), ...(request.body?.hidden !== undefined ? { hidden: request.body.hidden } : {}) })),
    );

    app.get('/conversations', { schema: { querystring: listConversationsQuerySchema } }, async (request) => {
      const { agent_id, after, limit, order, archive_status, summary_search } = request.query;
      return (await conversations.list({ agentId: agent_id, archiveStatus: archive_status, summarySearch: summary_search }, { after, limit, order })).map(toConversationWire);
    });

    app.get('/conversations/:conversation_id', { schema: { params: conversationIdParams } }, async (request) =>
      toConversationWire(await conversations.resolve(request.params.conversation_id)),
    );

    app.patch('/conversations/:conversation_id', { schema: { params: conversationIdParams, body: updateConversationRequestSchema } }, async (request) => {
      const conversation = await conversations.resolve(request.params.conversation_id);
      const archived = request.body?.archived;
      return toConversationWire(await conversations.update(conversation.id, { ...fieldsOf(request.body), ...(archived != null ? { archived } : {}) }));
    });

    app.delete('/conversations/:conversation_id', { schema: { params: conversationIdParams } }, async (request) => {
      await conversations.delete((await conversations.resolve(request.params.conversation_id)).id);
      return {};
    });

    app.post('/conversations/:conversation_id/messages', { schema: { params: conversationIdParams, body: sendMessagesRequestSchema } }, async (request, reply) => {
      const body = request.body as typeof request.body & { agent_id?: string | null };
      const conversation = await conversations.resolve(request.params.conversation_id, body.agent_id);
      if (body.streaming === false) {
        const { runId, result } = await messages.send(conversation.agentId, body, conversation.id);
        if (result.error) throw result.error;
        return toLettaResponse(result, runId, {
          useAssistantMessage: body.use_assistant_message,
          assistantMessageToolName: body.assistant_message_tool_name,
          assistantMessageToolKwarg: body.assistant_message_tool_kwarg,
          includeTypes: body.include_return_message_types,
        });
      }
      return respondWithStream(request, reply, runStreams, await messages.start(conversation.agentId, body, conversation.id), body);
    });

    app.get('/conversations/:conversation_id/messages', { schema: { params: conversationIdParams, querystring: listConversationMessagesQuerySchema } }, async (request) => {
      const query = request.query;
      const conversation = await conversations.resolve(request.params.conversation_id, query.agent_id);
      const list = await messages.list(conversation.agentId, { before: query.before, after: query.after, limit: query.limit, order: query.order }, conversation.id);
      return list.flatMap((message) => toLettaMessages(message, { useAssistantMessage: query.use_assistant_message }));
    });
  };
}
