import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.js';
import { expectApiError } from '../support/expected-errors.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe.each(DIALECTS)('server basics on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect, { password: 'correct horse' });
  });
  afterAll(async () => server?.close());

  it('GET /v1/health answers without credentials', async () => {
    const health = await server.clientWith(null).health();
    expect(health).toMatchObject({ status: 'ok' });
  });

  it('requires the bearer password on every other route', async () => {
    await expectApiError(server.clientWith(null).agents.list(), 401, 'Bearer');
    await expectApiError(server.clientWith('wrong').agents.list(), 401);
    const page = await server.client.agents.list();
    expect(page.items).toEqual([]);
  });

  it('serves an OpenAPI document of the routes', async () => {
    const response = await fetch(`${server.url}/openapi.json`);
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/agents', '/v1/blocks/{block_id}']));
  });

  it('answers an unknown route and malformed JSON with a 4xx detail', async () => {
    await expectApiError(server.client.get('/v1/nothing-here'), 404, 'No route');
    const response = await fetch(`${server.url}/v1/agents`, {
      method: 'POST',
      headers: { authorization: 'Bearer correct horse', 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/not valid JSON/);
  });
});
