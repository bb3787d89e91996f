import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { UnauthorizedError } from '../../errors.js';

const PUBLIC_PATHS = new Set(['/v1/health', '/v1/health/', '/openapi.json']);

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Bearer-token auth when a password is set (Letta also accepts the `X-BARE-PASSWORD` header). */
export function registerAuth(app: FastifyInstance, password: string | undefined): void {
  if (!password) return;
  app.addHook('onRequest', async (request) => {
    if (PUBLIC_PATHS.has(request.url.split('?')[0]!)) return;
    const header = request.headers.authorization ?? '';
    const bearer = header.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : undefined;
    const bare = request.headers['x-bare-password'];
    const given = bearer ?? (typeof bare === 'string' ? bare.replace(/^password\s+/i, '') : undefined);
    if (given === undefined || !sameSecret(given, password)) throw new UnauthorizedError();
  });
}
