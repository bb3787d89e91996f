import Fastify, { type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import type { AppContext } from '../app-context.js';
import { registerAuth } from './plugins/auth.js';
import { registerErrorHandler } from './plugins/errors.js';
import { agentExtraRoutes } from './routes/agent-extras.js';
import { agentFileRoutes } from './routes/agent-files.js';
import { agentMessageRoutes } from './routes/agent-messages.js';
import { agentRoutes } from './routes/agents.js';
import { archiveRoutes } from './routes/archives.js';
import { blockRoutes } from './routes/blocks.js';
import { conversationRoutes } from './routes/conversations.js';
import { folderRoutes } from './routes/folders.js';
import { healthRoutes } from './routes/health.js';
import { runStreamRoutes } from './routes/run-streams.js';
import { runRoutes } from './routes/runs.js';
import { scheduleRoutes } from './routes/schedules.js';
import { identityRoutes } from './routes/identities.js';
import { tagRoutes } from './routes/tags.js';
import { messageRoutes } from './routes/messages.js';
import { modelRoutes } from './routes/models.js';
import { toolRoutes } from './routes/tools.js';

export interface BuildAppOptions {
  logger?: boolean | { level: string };
}

/** Builds the Fastify app around a ready context. It never listens; `cli.ts` does. */
export async function buildApp(context: AppContext, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 50 * 1024 * 1024,
    // The official client calls some paths with a trailing slash and some without.
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 500 },
  });
  app.setValidatorCompiler(validatorCompiler);
  // Responses are built by typed serializers; the response schemas document them in OpenAPI.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // The official client sends `{}` or nothing with DELETE and PATCH attach calls.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (!text.trim()) return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      const error = Object.assign(new Error('The request body is not valid JSON'), { statusCode: 400 });
      done(error, undefined);
    }
  });

  registerErrorHandler(app, context.store.dialect);
  // Uploads (folder files, agent-file imports) are read with request.file() / request.parts().
  await app.register(multipart, { limits: { fileSize: context.config.maxUploadBytes, files: 1, fieldSize: 1024 * 1024 } });
  registerAuth(app, context.config.password);

  await app.register(swagger, {
    openapi: { info: { title: 'Mnemo', description: 'A Letta-compatible server for stateful agents', version: '0.1.0' } },
    transform: jsonSchemaTransform,
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes(context));
  await app.register(agentRoutes(context), { prefix: '/v1' });
  await app.register(blockRoutes(context), { prefix: '/v1' });
  await app.register(agentMessageRoutes(context), { prefix: '/v1' });
  await app.register(runStreamRoutes(context), { prefix: '/v1' });
  await app.register(runRoutes(context), { prefix: '/v1' });
  await app.register(toolRoutes(context), { prefix: '/v1' });
  await app.register(modelRoutes(context), { prefix: '/v1' });
  await app.register(identityRoutes(context), { prefix: '/v1' });
  await app.register(tagRoutes(context), { prefix: '/v1' });
  await app.register(archiveRoutes(context), { prefix: '/v1' });
  await app.register(scheduleRoutes(context), { prefix: '/v1' });
  await app.register(conversationRoutes(context), { prefix: '/v1' });
  await app.register(folderRoutes(context), { prefix: '/v1' });
  await app.register(agentFileRoutes(context), { prefix: '/v1' });
  await app.register(agentExtraRoutes(context), { prefix: '/v1' });
  await app.register(messageRoutes(context), { prefix: '/v1' });
  return app;
}
