import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { orderSchema } from '../../schemas/common.js';

const listTagsQuerySchema = z.object({
  before: z.string().max(200).nullish(),
  after: z.string().max(200).nullish(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  order: orderSchema.default('asc'),
  order_by: z.literal('name').optional(),
  query_text: z.string().max(200).nullish(),
  name: z.string().max(200).nullish(),
});

/** `GET /v1/tags`: the distinct tags of all agents, in name order; cursors are tags. */
export function tagRoutes({ agents }: AppContext): FastifyPluginAsync {
  return async (base) => {
    base.withTypeProvider<ZodTypeProvider>().get('/tags', { schema: { querystring: listTagsQuerySchema, response: { 200: z.array(z.string()) } } }, async (request) => {
      const { before, after, limit, order, query_text, name } = request.query;
      return agents.tags({ before, after, limit, order, queryText: query_text ?? name });
    });
  };
}
