import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** A provider's models endpoint on loopback: OpenAI's list format, or Anthropic's with its headers. */
async function startModelsEndpoint(): Promise<{ baseURL: string; requests: IncomingMessage[]; server: Server }> {
  const requests: IncomingMessage[] = [];
  const server = createServer((request, response) => {
    requests.push(request);
    response.setHeader('content-type', 'application/json');
    if (request.headers['anthropic-version']) {
      response.end(JSON.stringify({ data: [{ id: 'claude-sonnet-4-5', type: 'model', display_name: 'Claude Sonnet 4.5' }], has_more: false }));
      return;
    }
    if (request.headers.authorization !== 'Bearer sk-test') {
      response.statusCode = 401;
      response.end(JSON.stringify({ error: { message: 'bad key' } }));
      return;
    }
    const ids = ['gpt-4o-mini', 'text-embedding-3-small', 'whisper-1', 'meta-llama/llama-3.1-8b'];
    response.end(JSON.stringify({ object: 'list', data: ids.map((id) => ({ id, object: 'model', owned_by: 'test' })) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, requests, server };
}

describe.each(DIALECTS)('models on %s', (dialect) => {
  let server: TestServer;
  let provider: Awaited<ReturnType<typeof startModelsEndpoint>>;
  beforeAll(async () => {
    provider = await startModelsEndpoint();
    server = await startTestServer(dialect, {
      providers: { openai: { apiKey: 'sk-test', baseURL: provider.baseURL }, anthropic: { apiKey: 'ak', baseURL: provider.baseURL } },
    });
  });
  afterAll(async () => {
    await server?.close();
    provider?.server.close();
  });

  describe('GET /v1/models/', () => {
    it('lists the chat models of each configured provider, once per cache period', async () => {
      const models = await server.client.models.list();
      expect(models.map((model) => model.handle)).toEqual(['openai/gpt-4o-mini', 'openai/meta-llama/llama-3.1-8b', 'anthropic/claude-sonnet-4-5']);
      expect(models[0]).toMatchObject({ name: 'gpt-4o-mini', provider_type: 'openai', model_endpoint_type: 'openai', context_window: 128000, max_context_window: 128000 });
      const asked = provider.requests.length;
      await server.client.models.list();
      expect(provider.requests.length).toBe(asked);
      const anthropic = await server.client.models.list({ provider_type: 'anthropic' });
      expect(anthropic.map((model) => model.handle)).toEqual(['anthropic/claude-sonnet-4-5']);
    });
  });

  describe('GET /v1/models/embedding', () => {
    it('lists the embedding models with their dimensions', async () => {
      const models = await server.client.models.embeddings.list();
      expect(models).toEqual([
        expect.objectContaining({ handle: 'openai/text-embedding-3-small', embedding_dim: 1536, embedding_endpoint_type: 'openai' }),
        // The offline model needs no provider and is always there.
        expect.objectContaining({ handle: 'mnemo/use-lite-512', embedding_dim: 512, embedding_endpoint_type: 'mnemo' }),
      ]);
    });
  });

  it('accepts a handle the provider does not list, and splits handles at the first slash', async () => {
    const agent = await server.client.agents.create({ model: 'openai/org/custom-model', embedding: 'openai/text-embedding-3-small' });
    expect(agent.llm_config).toMatchObject({ model: 'org/custom-model', handle: 'openai/org/custom-model', model_endpoint: provider.baseURL });
    expect(agent.embedding_config).toMatchObject({ embedding_model: 'text-embedding-3-small', embedding_dim: 1536 });
  });
});
