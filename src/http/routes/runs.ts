import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { stopReasonSchema } from '../../schemas/agents.js';
import { idSchema, paginationQuery, queryArray, queryBoolean } from '../../schemas/common.js';
import { lettaMessageSchema } from '../../schemas/messages.js';
import { toLettaMessages } from '../../serializers/letta-message.js';
import { toRunWire } from '../../serializers/run.js';
import { toStepWire } from '../../serializers/step.js';

const runIdParams = z.object({ run_id: idSchema('run') });
const stepIdParams = z.object({ step_id: idSchema('step') });
const runSchema = z.object({ id: z.string(), agent_id: z.string(), status: z.string() }).loose();
const stepSchema = z.object({ id: z.string() }).loose();

const listRunsQuerySchema = paginationQuery(50, 'desc').extend({
  agent_id: idSchema('agent').nullish(),
  agent_ids: queryArray(idSchema('agent')).optional(),
  conversation_id: z.string().max(200).nullish(),
  statuses: queryArray(z.enum(['created', 'running', 'completed', 'failed', 'cancelled'])).optional(),
  active: queryBoolean.optional(),
  background: queryBoolean.optional(),
  stop_reason: stopReasonSchema.nullish(),
  ascending: queryBoolean.optional(),
  order_by: z.literal('created_at').optional(),
});

export function runRoutes({ runs }: AppContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.get('/runs', { schema: { querystring: listRunsQuerySchema, response: { 200: z.array(runSchema) } } }, async (request) => {
      const query = request.query;
      const order = query.ascending === undefined ? query.order : query.ascending ? 'asc' : 'desc';
      const list = await runs.list(
        {
          agentIds: [...(query.agent_id ? [query.agent_id] : []), ...(query.agent_ids ?? [])],
          conversationId: query.conversation_id,
          statuses: query.active ? ['created', 'running'] : query.statuses,
          background: query.background,
          stopReason: query.stop_reason,
        },
        { before: query.before, after: query.after, limit: query.limit, order },
      );
      return list.map(toRunWire);
    });

    app.get('/runs/:run_id', { schema: { params: runIdParams, response: { 200: runSchema } } }, async (request) => toRunWire(await runs.get(request.params.run_id)));

    app.delete('/runs/:run_id', { schema: { params: runIdParams, response: { 200: runSchema } } }, async (request) => toRunWire(await runs.delete(request.params.run_id)));

    app.get(
      '/runs/:run_id/messages',
      { schema: { params: runIdParams, querystring: paginationQuery(100, 'asc'), response: { 200: z.array(lettaMessageSchema) } } },
      async (request) => (await runs.messages(request.params.run_id, request.query)).flatMap((message) => toLettaMessages(message, { useAssistantMessage: true })),
    );

    app.get(
      '/runs/:run_id/steps',
      { schema: { params: runIdParams, querystring: paginationQuery(100, 'asc'), response: { 200: z.array(stepSchema) } } },
      async (request) => (await runs.steps(request.params.run_id, request.query)).map(toStepWire),
    );

    app.get('/runs/:run_id/usage', { schema: { params: runIdParams } }, async (request) => runs.usage(request.params.run_id));

    app.get(
      '/steps',
      { schema: { querystring: paginationQuery(50, 'desc').extend({ agent_id: idSchema('agent').nullish(), model: z.string().nullish() }), response: { 200: z.array(stepSchema) } } },
      async (request) => {
        const { agent_id, model, ...page } = request.query;
        return (await runs.listSteps({ agentId: agent_id, model }, page)).map(toStepWire);
      },
    );

    app.get('/steps/:step_id', { schema: { params: stepIdParams, response: { 200: stepSchema } } }, async (request) => toStepWire(await runs.getStep(request.params.step_id)));
  };
}
