import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { MnemoError, PendingApprovalError, StoreUnavailableError } from '../../errors.js';
import { ProviderError } from '../../providers/errors.js';

interface WireIssue {
  path: string;
  message: string;
}

function joinPath(context: string | undefined, instancePath: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  const path = parts.reduce((text, part) => (/^\d+$/.test(part) ? `${text}[${part}]` : text ? `${text}.${part}` : part), '');
  const where = context === 'querystring' ? 'query' : context;
  return where ? (path ? `${where}.${path}` : where) : path;
}

function sentence(issues: WireIssue[]): string {
  const [first, ...rest] = issues;
  const head = first!.path ? `${first!.path}: ${first!.message}` : first!.message;
  return rest.length ? `${head} (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : head;
}

/**
 * The one place errors become responses: a `MnemoError` gets its status and `{detail}`,
 * validation failures a 422 with one readable sentence plus `errors: [{path, message}]`,
 * and anything else is logged and answered with a bare 500.
 */
export interface StoreErrorClassifier {
  isUnavailable(error: unknown): boolean;
  isUniqueViolation(error: unknown): boolean;
}

export function registerErrorHandler(app: FastifyInstance, store: StoreErrorClassifier): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((issue) => ({
        path: joinPath(error.validationContext, issue.instancePath),
        message: issue.message ?? 'is invalid',
      }));
      return reply.status(422).send({ detail: sentence(issues), errors: issues });
    }
    if (error instanceof StoreUnavailableError || store.isUnavailable(error)) {
      request.log.error({ err: error }, 'store unavailable');
      return reply.status(503).send({ detail: new StoreUnavailableError(error).message });
    }
    // Services check uniqueness first; this catches the race where two requests pass that check at once.
    if (store.isUniqueViolation(error)) {
      return reply.status(409).send({ detail: 'This conflicts with a record that was created at the same moment; retry the request' });
    }
    // Model failures on non-streaming routes: Letta's `{error: {type, message, detail}}`, plus `detail`.
    if (error instanceof ProviderError) {
      return reply.status(error.status).send({ detail: error.message, error: { type: error.type, message: error.message, detail: error.message } });
    }
    if (error instanceof PendingApprovalError) {
      return reply.status(409).send({ detail: { code: error.code, message: error.message, pending_request_id: error.pendingRequestId } });
    }
    if (error instanceof MnemoError) {
      if (error.status >= 500 && error.status !== 501) request.log.error({ err: error }, error.message);
      const body: Record<string, unknown> = { detail: error.message };
      if (error.code === 'VALIDATION_ERROR') body.errors = error.details;
      else if (error.details !== undefined && error.code !== 'NOT_FOUND') body.code = error.code;
      return reply.status(error.status).send(body);
    }
    // Fastify's own client errors: bad JSON, wrong content type, body too large ...
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send({ detail: error.message });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ detail: 'Internal server error' });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ detail: `No route ${request.method} ${request.url.split('?')[0]}` });
  });
}
