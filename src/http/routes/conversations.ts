import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import type { ConversationFields } from '../../domain/conversation.js';
import { compactionSettingsSchema } from '../../schemas/agents.js';
import { idSchema, queryBoolean } from '../../schemas/common.js';
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
import { toLettaMessageList } from '../../serializers/letta-message.js';
import { lettaResponseOf, respondWithStream } from './message-responses.js';

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
const agentQuery = z.object({ agent_id: idSchema('agent').nullish() });
const agentBody = z.object({ agent_id: idSchema('agent').nullish(), compaction_settings: compactionSettingsSchema.nullish() }).nullish();
const forkQuery = agentQuery.extend({ hidden: queryBoolean.optional(), message_id: idSchema('message').nullish() });
const recompileQuery = agentQuery.extend({ dry_run: queryBoolean.optional() });
const compactBody = agentBody;
const resumeBody = z
  .object({
    agent_id: idSchema('agent').nullish(),
    run_id: idSchema('run').nullish(),
    otid: z.string().max(200).nullish(),
    starting_after: z.number().int().min(0).optional(),
    include_pings: z.boolean().nullish(),
    poll_interval: z.number().min(0.01).max(10).nullish(),
    batch_size: z.number().int().min(1).max(1000).nullish(),
  })
  .nullish();

export function conversationRoutes({ conversations, messages, runStreams, runs }: AppContext): FastifyPluginAsync {
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
        return lettaResponseOf(await messages.send(conversation.agentId, body, conversation.id), body);
      }
      return respondWithStream(request, reply, runStreams, await messages.start(conversation.agentId, body, conversation.id), body);
    });

    app.post('/conversations/:conversation_id/cancel', { schema: { params: conversationIdParams, querystring: agentQuery } }, async (request) => {
      const conversation = await conversations.resolve(request.params.conversation_id, request.query.agent_id);
      return messages.cancelConversation(conversation.agentId, conversation.id);
    });

    app.post('/conversations/:conversation_id/fork', { schema: { params: conversationIdParams, querystring: forkQuery } }, async (request) => {
      const conversation = await conversations.resolve(request.params.conversation_id, request.query.agent_id);
      return toConversationWire(await conversations.fork(conversation, { hidden: request.query.hidden, messageId: request.query.message_id }));
    });

    app.post('/conversations/:conversation_id/recompile', { schema: { params: conversationIdParams, querystring: recompileQuery, body: agentBody } }, async (request) => {
      const conversation = await conversations.resolve(request.params.conversation_id, request.body?.agent_id ?? request.query.agent_id);
      return conversations.recompile(conversation, request.query.dry_run ?? false);
    });

    app.post('/conversations/:conversation_id/compact', { schema: { params: conversationIdParams, body: compactBody } }, async (request) => {
      const conversation = await conversations.resolve(request.params.conversation_id, request.body?.agent_id);
      const outcome = await messages.summarize(conversation.agentId, request.body?.compaction_settings ?? null, conversation.id);
      return { summary: outcome.summary, num_messages_before: outcome.messagesBefore, num_messages_after: outcome.messagesAfter };
    });

    app.post('/conversations/:conversation_id/stream', { schema: { params: conversationIdParams, body: resumeBody } }, async (request, reply) => {
      const body = request.body ?? {};
      const conversation = await conversations.resolve(request.params.conversation_id, body.agent_id);
      const runId = body.run_id ?? (await runs.latestBackgroundRunOf(conversation.agentId, conversation.id));
      await runStreams.assertResumable(runId);
      reply.hijack();
      await runStreams.resume(reply.raw, runId, {
        startingAfter: body.starting_after ?? 0,
        includePings: body.include_pings ?? true,
        pollIntervalMs: (body.poll_interval ?? 0.1) * 1000,
        batchSize: body.batch_size ?? 100,
      });
    });

    app.get('/conversations/:conversation_id/messages', { schema: { params: conversationIdParams, querystring: listConversationMessagesQuerySchema } }, async (request) => {
      const query = request.query;
      const conversation = await conversations.resolve(request.params.conversation_id, query.agent_id);
      const list = await messages.list(conversation.agentId, { before: query.before, after: query.after, limit: query.limit, order: query.order }, conversation.id);
      return toLettaMessageList(list, { useAssistantMessage: query.use_assistant_message, types: query.include_return_message_types });
    });
  };
}
