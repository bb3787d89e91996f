import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { idSchema, paginationQuery, queryArray } from '../../schemas/common.js';
import { lettaMessageSchema, MESSAGE_TYPES } from '../../schemas/messages.js';
import { toLettaMessageList, toLettaMessages } from '../../serializers/letta-message.js';
import { toMessageSearchResults } from '../../serializers/message-search-result.js';

const messageIdParams = z.object({ message_id: idSchema('message') });

const listMessagesQuerySchema = paginationQuery(100, 'desc').extend({
  conversation_id: idSchema('conv').nullish(),
  include_return_message_types: queryArray(z.enum(MESSAGE_TYPES)).optional(),
});

const searchMessagesRequestSchema = z.object({
  query: z.string().trim().min(1, { error: 'must be the text to search for' }).max(1_000),
  agent_id: idSchema('agent').nullish(),
  conversation_id: idSchema('conv').nullish(),
  start_date: z.iso.datetime({ offset: true }).or(z.iso.date()).nullish(),
  end_date: z.iso.datetime({ offset: true }).or(z.iso.date()).nullish(),
  limit: z.number().int().min(1).max(100).default(50),
  search_mode: z.enum(['vector', 'fts', 'hybrid']).default('hybrid'),
});

/** Messages across all agents: list, retrieve and search. */
export function messageRoutes({ messageHistory: history }: AppContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.get('/messages', { schema: { querystring: listMessagesQuerySchema, response: { 200: z.array(lettaMessageSchema) } } }, async (request) => {
      const { conversation_id, include_return_message_types: types, ...page } = request.query;
      return toLettaMessageList(await history.list({ conversationId: conversation_id }, page), { types });
    });

    app.get('/messages/:message_id', { schema: { params: messageIdParams, response: { 200: z.array(lettaMessageSchema) } } }, async (request) =>
      toLettaMessages(await history.get(request.params.message_id)),
    );

    app.post('/messages/search', { schema: { body: searchMessagesRequestSchema } }, async (request) => {
      const body = request.body;
      const found = await history.search({
        query: body.query,
        agentId: body.agent_id,
        conversationId: body.conversation_id,
        startDate: body.start_date,
        endDate: body.end_date,
        limit: body.limit,
        searchMode: body.search_mode,
      });
      return found.flatMap(toMessageSearchResults);
    });
  };
}
