import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { idSchema } from '../../schemas/common.js';

const resumeBodySchema = z
  .object({
    starting_after: z.number().int().min(0).default(0),
    include_pings: z.boolean().default(true),
    poll_interval: z.number().min(0.01).max(10).default(0.1),
    batch_size: z.number().int().min(1).max(1000).default(100),
  })
  .nullish();

/** `POST /v1/runs/{run_id}/stream`: replays a background run's events after `starting_after`, then follows it live. */
export function runStreamRoutes({ runStreams }: AppContext): FastifyPluginAsync {
  return async (base) => {
    base.withTypeProvider<ZodTypeProvider>().post(
      '/runs/:run_id/stream',
      { schema: { params: z.object({ run_id: idSchema('run') }), body: resumeBodySchema } },
      async (request, reply) => {
        await runStreams.assertResumable(request.params.run_id);
        const body = request.body ?? { starting_after: 0, include_pings: true, poll_interval: 0.1, batch_size: 100 };
        reply.hijack();
        await runStreams.resume(reply.raw, request.params.run_id, {
          startingAfter: body.starting_after,
          includePings: body.include_pings,
          pollIntervalMs: body.poll_interval * 1000,
          batchSize: body.batch_size,
        });
      },
    );
  };
}
