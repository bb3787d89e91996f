import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';

export const MNEMO_VERSION = '0.1.0';

export function healthRoutes(context: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.withTypeProvider<ZodTypeProvider>().get(
      '/v1/health',
      { schema: { response: { 200: z.object({ version: z.string(), status: z.string() }) } } },
      async () => {
        await context.store.ping();
        return { version: MNEMO_VERSION, status: 'ok' };
      },
    );
  };
}
