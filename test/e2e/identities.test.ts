import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.js';
import { expectApiError } from '../support/expected-errors.js';
import { startTestServer, type TestServer } from '../support/server.js';

const MODEL = 'openai/gpt-4o-mini';
const UNKNOWN_AGENT = 'agent-00000000-0000-4000-8000-000000000000';

interface IdentityWire {
  id: string;
  identifier_key: string;
  name: string;
  identity_type: string;
  project_id: string | null;
  agent_ids: string[];
  block_ids: string[];
  properties: { key: string; type: string; value: unknown }[];
}

describe.each(DIALECTS)('identities on %s', (dialect) => {
  let server: TestServer;
  // The client 1.12.1 has no identities resource; its generic methods still do the HTTP.
  const create = (body: Record<string, unknown>) => server.client.post<IdentityWire>('/v1/identities', { body });
  beforeAll(async () => {
    server = await startTestServer(dialect);
  });
  afterAll(async () => server?.close());

  describe('POST /v1/identities', () => {
    it('rejects bad input naming the field, an unknown agent, and a taken key, writing nothing', async () => {
      await expectApiError(create({ identifier_key: 'k', name: 'n', identity_type: 'robot' }), 422, 'body.identity_type');
      await expectApiError(
        create({ identifier_key: 'k', name: 'n', identity_type: 'user', properties: [{ key: 'age', type: 'number', value: 'old' }] }),
        422,
        'body.properties[0].value',
      );
      await expectApiError(create({ identifier_key: 'k', name: 'n', identity_type: 'user', agent_ids: [UNKNOWN_AGENT] }), 404, UNKNOWN_AGENT);
      expect(await server.client.get('/v1/identities/count')).toBe(0);
      await create({ identifier_key: 'taken', name: 'n', identity_type: 'user' });
      await expectApiError(create({ identifier_key: 'taken', name: 'other', identity_type: 'org' }), 409, 'taken');
    });

    it('lets exactly one of several concurrent creates with one key win; the rest get 409, never 500', async () => {
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => create({ identifier_key: 'race', name: 'r', identity_type: 'user' })));
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      for (const result of results) if (result.status === 'rejected') expect((result.reason as { status: number }).status).toBe(409);
    });

    it('creates an identity with agents, blocks and typed properties', async () => {
      const agent = await server.client.agents.create({ model: MODEL });
      const block = await server.client.blocks.create({ label: 'prefs', value: 'tea' });
      const identity = await create({
        identifier_key: 'user-ann',
        name: 'Ann',
        identity_type: 'user',
        agent_ids: [agent.id],
        block_ids: [block.id],
        properties: [
          { key: 'plan', type: 'string', value: 'pro' },
          { key: 'seats', type: 'number', value: 3 },
          { key: 'extra', type: 'json', value: { a: 1 } },
        ],
      });
      expect(identity.id).toMatch(/^identity-[0-9a-f-]{36}$/);
      expect(identity).toMatchObject({ identifier_key: 'user-ann', name: 'Ann', agent_ids: [agent.id], block_ids: [block.id] });
      const state = await server.client.agents.retrieve(agent.id);
      expect(state.identity_ids).toEqual([identity.id]);
      expect(state.identities?.[0]).toMatchObject({ identifier_key: 'user-ann' });
    });
  });

  describe('PUT /v1/identities and PUT /v1/identities/{identity_id}/properties', () => {
    it('upserts by identifier_key and replaces properties', async () => {
      const first = await server.client.put<IdentityWire>('/v1/identities', { body: { identifier_key: 'org-acme', name: 'Acme', identity_type: 'org' } });
      const second = await server.client.put<IdentityWire>('/v1/identities', { body: { identifier_key: 'org-acme', name: 'Acme Inc', identity_type: 'org' } });
      expect(second.id).toBe(first.id);
      expect(second.name).toBe('Acme Inc');
      const updated = await server.client.put<IdentityWire>(`/v1/identities/${first.id}/properties`, { body: [{ key: 'tier', type: 'boolean', value: true }] });
      expect(updated.properties).toEqual([{ key: 'tier', type: 'boolean', value: true }]);
    });
  });

  describe('GET /v1/identities', () => {
    it('filters by type and key and pages newest first', async () => {
      const made = [];
      for (let index = 0; index < 3; index++) made.push(await create({ identifier_key: `paged-${index}`, name: `Paged ${index}`, identity_type: 'other' }));
      const all: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await server.client.get<IdentityWire[]>('/v1/identities', { query: { identity_type: 'other', limit: 2, ...(after ? { after } : {}) } });
        if (!page.length) break;
        all.push(...page.map((identity) => identity.id));
        after = page.at(-1)!.id;
      }
      expect(all).toEqual(made.map((identity) => identity.id).reverse());
      const byKey = await server.client.get<IdentityWire[]>('/v1/identities', { query: { identifier_key: 'paged-1' } });
      expect(byKey.map((identity) => identity.id)).toEqual([made[1]!.id]);
    });
  });

  describe('PATCH and DELETE /v1/identities/{identity_id}', () => {
    it('updates fields and links, refuses a taken key, and deletes without touching agents', async () => {
      const agent = await server.client.agents.create({ model: MODEL });
      const identity = await create({ identifier_key: 'to-edit', name: 'Edit', identity_type: 'user' });
      await create({ identifier_key: 'other-key', name: 'Other', identity_type: 'user' });
      await expectApiError(server.client.patch(`/v1/identities/${identity.id}`, { body: { identifier_key: 'other-key' } }), 409);
      const updated = await server.client.patch<IdentityWire>(`/v1/identities/${identity.id}`, { body: { name: 'Edited', agent_ids: [agent.id] } });
      expect(updated).toMatchObject({ name: 'Edited', identifier_key: 'to-edit', agent_ids: [agent.id] });
      const agents = await server.client.get<{ id: string }[]>(`/v1/identities/${identity.id}/agents`);
      expect(agents.map((item) => item.id)).toEqual([agent.id]);
      await server.client.delete(`/v1/identities/${identity.id}`);
      await expectApiError(server.client.get(`/v1/identities/${identity.id}`), 404, identity.id);
      expect((await server.client.agents.retrieve(agent.id)).identity_ids).toEqual([]);
    });
  });

  describe('agent and block attach/detach', () => {
    it('attaches and detaches identities, filters agents and blocks by them', async () => {
      const identity = await create({ identifier_key: 'attach-me', name: 'A', identity_type: 'user' });
      const agent = await server.client.agents.create({ model: MODEL, name: 'identity-agent' });
      const block = await server.client.blocks.create({ label: 'id-block', value: 'v' });
      await expectApiError(server.client.agents.identities.detach(identity.id, { agent_id: agent.id }), 404);
      await server.client.agents.identities.attach(identity.id, { agent_id: agent.id });
      await server.client.patch(`/v1/blocks/${block.id}/identities/attach/${identity.id}`);
      expect((await server.client.agents.list({ identity_id: identity.id })).items.map((item) => item.id)).toEqual([agent.id]);
      expect((await server.client.agents.list({ identifier_keys: ['attach-me'] })).items.map((item) => item.id)).toEqual([agent.id]);
      expect((await server.client.blocks.list({ identifier_keys: ['attach-me'] })).items.map((item) => item.id)).toEqual([block.id]);
      const withIdentity = await server.client.agents.create({ model: MODEL, identity_ids: [identity.id] });
      expect(withIdentity.identity_ids).toEqual([identity.id]);
      await server.client.agents.identities.detach(identity.id, { agent_id: agent.id });
      await server.client.patch(`/v1/blocks/${block.id}/identities/detach/${identity.id}`);
      expect((await server.client.agents.list({ identity_id: identity.id })).items.map((item) => item.id)).toEqual([withIdentity.id]);
      expect((await server.client.blocks.list({ identity_id: identity.id })).items).toEqual([]);
      await expectApiError(server.client.agents.identities.attach('identity-123', { agent_id: agent.id }), 422, 'identity_id');
    });
  });
});

describe.each(DIALECTS)('tags on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect);
  });
  afterAll(async () => server?.close());

  describe('GET /v1/tags', () => {
    it('lists distinct agent tags with search and tag cursors', async () => {
      await server.client.agents.create({ model: MODEL, tags: ['alpha', 'beta'] });
      await server.client.agents.create({ model: MODEL, tags: ['beta', 'gamma', 'alpenglow'] });
      expect(await server.client.tags.list()).toEqual(['alpenglow', 'alpha', 'beta', 'gamma']);
      expect(await server.client.tags.list({ query_text: 'ALP' })).toEqual(['alpenglow', 'alpha']);
      expect(await server.client.tags.list({ after: 'alpha', limit: 1 })).toEqual(['beta']);
      expect(await server.client.tags.list({ order: 'desc', limit: 2 })).toEqual(['gamma', 'beta']);
      expect(await server.client.tags.list({ before: 'gamma', limit: 2 })).toEqual(['alpha', 'beta']);
    });
  });
});
