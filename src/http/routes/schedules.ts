import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../app-context.js';
import { agentIdParams } from '../../schemas/agents.js';
import { createScheduleRequestSchema, listSchedulesQuerySchema, scheduleParams } from '../../schemas/schedules.js';
import { toScheduledMessageWire } from '../../serializers/schedule.js';

/** An agent's scheduled messages (`/v1/agents/{id}/schedule`). */
export function scheduleRoutes({ schedules }: AppContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.post('/agents/:agent_id/schedule', { schema: { params: agentIdParams, body: createScheduleRequestSchema } }, async (request, reply) => {
      const { schedule, ...send } = request.body;
      const created = await schedules.create(request.params.agent_id, send, schedule);
      return reply.status(201).send({ id: created.id, next_scheduled_at: created.nextRunAt });
    });

    app.get('/agents/:agent_id/schedule', { schema: { params: agentIdParams, querystring: listSchedulesQuerySchema } }, async (request) => {
      const { after, limit } = request.query;
      const page = await schedules.list(request.params.agent_id, { after, limit, order: 'asc' });
      return { scheduled_messages: page.items.map(toScheduledMessageWire), has_next_page: page.hasNextPage };
    });

    app.get('/agents/:agent_id/schedule/:scheduled_message_id', { schema: { params: scheduleParams } }, async (request) =>
      toScheduledMessageWire(await schedules.get(request.params.agent_id, request.params.scheduled_message_id)),
    );

    app.delete('/agents/:agent_id/schedule/:scheduled_message_id', { schema: { params: scheduleParams } }, async (request) => {
      await schedules.delete(request.params.agent_id, request.params.scheduled_message_id);
      return { success: true };
    });
  };
}
