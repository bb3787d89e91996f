import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { queryArray } from '../../schemas/common.js';

const listModelsQuerySchema = z.object({
  provider_category: queryArray(z.enum(['base', 'byok'])).optional(),
  provider_name: z.string().max(200).nullish(),
  provider_type: z.string().max(100).nullish(),
});

/** The chat and embedding models of the configured providers. */
export function modelRoutes({ models }: AppContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.get('/models', { schema: { querystring: listModelsQuerySchema } }, async (request) =>
      models.listLlms({
        provider_category: request.query.provider_category,
        provider_name: request.query.provider_name ?? undefined,
        provider_type: request.query.provider_type ?? undefined,
      }),
    );

    app.get('/models/embedding', async () => models.listEmbeddings());
  };
}
