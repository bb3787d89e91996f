import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.js';
import { expectApiError } from '../support/expected-errors.js';
import { startTestServer, type TestServer } from '../support/server.js';

const MODEL = 'openai/gpt-4o-mini';

describe.each(DIALECTS)('blocks on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect);
  });
  afterAll(async () => server?.close());

  describe('POST /v1/blocks', () => {
    it('rejects a value over the limit, naming the limit', async () => {
      const body = await expectApiError(server.client.blocks.create({ label: 'human', value: 'x'.repeat(11), limit: 10 }), 422, 'limit of 10');
      expect(body.errors[0].path).toBe('value');
    });

    it('rejects a missing label and a wrong type, naming the fields', async () => {
      const body = await expectApiError(server.client.blocks.create({ value: 'v' } as never), 422, 'body.label');
      expect(body.errors.map((issue: { path: string }) => issue.path)).toContain('body.label');
      await expectApiError(server.client.blocks.create({ label: 'l', value: 42 } as never), 422, 'body.value');
    });

    it('creates a block with defaults and reads it back', async () => {
      const block = await server.client.blocks.create({ label: 'persona', value: 'I am helpful', description: 'who I am', tags: ['a'] });
      expect(block.id).toMatch(/^block-[0-9a-f-]{36}$/);
      expect(block).toMatchObject({ label: 'persona', value: 'I am helpful', limit: 100000, read_only: false, tags: ['a'] });
      expect(await server.client.blocks.retrieve(block.id)).toEqual(block);
    });
  });

  describe('GET /v1/blocks/{block_id}', () => {
    it('answers 422 for a malformed id and 404 for an unknown one', async () => {
      await expectApiError(server.client.blocks.retrieve('not-a-block'), 422, 'block_id');
      const unknown = 'block-00000000-0000-4000-8000-000000000000';
      await expectApiError(server.client.blocks.retrieve(unknown), 404, `Block with ID ${unknown} not found`);
    });
  });

  describe('GET /v1/blocks', () => {
    it('filters by label, search text and tags, and pages with cursors', async () => {
      const made = [];
      for (let index = 0; index < 5; index++) {
        made.push(await server.client.blocks.create({ label: 'pagetest', value: `value ${index}`, tags: index % 2 ? ['odd'] : ['even', 'x'] }));
      }
      const first = await server.client.blocks.list({ label: 'pagetest', limit: 2 });
      expect(first.items.map((block) => block.id)).toEqual([made[0]!.id, made[1]!.id]);
      const all = [];
      for await (const block of server.client.blocks.list({ label: 'pagetest', limit: 2 })) all.push(block.id);
      expect(all).toEqual(made.map((block) => block.id));
      const newestFirst = [];
      for await (const block of server.client.blocks.list({ label: 'pagetest', limit: 2, order: 'desc' })) newestFirst.push(block.id);
      expect(newestFirst).toEqual(made.map((block) => block.id).reverse());
      const before = await server.client.blocks.list({ label: 'pagetest', before: made[4]!.id, limit: 2 });
      expect(before.items.map((block) => block.id)).toEqual([made[2]!.id, made[3]!.id]);
      const odd = await server.client.blocks.list({ label: 'pagetest', tags: ['odd'] });
      expect(odd.items.map((block) => block.value)).toEqual(['value 1', 'value 3']);
      const both = await server.client.blocks.list({ label: 'pagetest', tags: ['even', 'x'], match_all_tags: true });
      expect(both.items).toHaveLength(3);
      expect(await server.client.get('/v1/blocks/count', { query: { label: 'pagetest', tags: ['odd'] } })).toBe(2);
      const search = await server.client.blocks.list({ value_search: 'VALUE 3' });
      expect(search.items.map((block) => block.id)).toEqual([made[3]!.id]);
    });
  });

  describe('PATCH /v1/blocks/{block_id}', () => {
    it('refuses a value over the limit and leaves the block unchanged', async () => {
      const block = await server.client.blocks.create({ label: 'notes', value: 'short', limit: 20 });
      await expectApiError(server.client.blocks.update(block.id, { value: 'y'.repeat(21) }), 422, 'limit of 20');
      await expectApiError(server.client.blocks.update(block.id, { limit: 2 }), 422, 'limit of 2');
      expect((await server.client.blocks.retrieve(block.id)).value).toBe('short');
      const updated = await server.client.blocks.update(block.id, { value: 'longer now', description: 'd' });
      expect(updated).toMatchObject({ value: 'longer now', description: 'd', limit: 20 });
    });
  });

  describe('DELETE /v1/blocks/{block_id}', () => {
    it('refuses to delete a block attached to an agent, then deletes it once detached', async () => {
      const block = await server.client.blocks.create({ label: 'shared', value: 'v' });
      const agent = await server.client.agents.create({ model: MODEL, block_ids: [block.id] });
      await expectApiError(server.client.blocks.delete(block.id), 409, agent.id);
      await server.client.agents.blocks.detach(block.id, { agent_id: agent.id });
      await server.client.blocks.delete(block.id);
      await expectApiError(server.client.blocks.retrieve(block.id), 404);
    });
  });

  describe('agent core memory', () => {
    it('shares one block between agents and edits it by label', async () => {
      const block = await server.client.blocks.create({ label: 'team', value: 'we ship' });
      const a = await server.client.agents.create({ model: MODEL, block_ids: [block.id] });
      const b = await server.client.agents.create({ model: MODEL, memory_blocks: [{ label: 'human', value: 'Ann' }] });
      await server.client.agents.blocks.attach(block.id, { agent_id: b.id });
      await server.client.agents.blocks.update('team', { agent_id: a.id, value: 'we ship daily' });
      expect((await server.client.agents.blocks.retrieve('team', { agent_id: b.id })).value).toBe('we ship daily');
      const labels = (await server.client.agents.blocks.list(b.id)).items.map((item) => item.label);
      expect(labels).toEqual(['human', 'team']);
      const holders = await server.client.blocks.agents.list(block.id);
      expect(holders.items.map((agent) => agent.id).sort()).toEqual([a.id, b.id].sort());
    });

    it('refuses attaching twice, a second block with the same label, and detaching what is not attached', async () => {
      const agent = await server.client.agents.create({ model: MODEL, memory_blocks: [{ label: 'human', value: 'Bo' }] });
      const [human] = agent.blocks;
      await expectApiError(server.client.agents.blocks.attach(human!.id!, { agent_id: agent.id }), 409, 'already attached');
      const other = await server.client.blocks.create({ label: 'human', value: 'other' });
      await expectApiError(server.client.agents.blocks.attach(other.id, { agent_id: agent.id }), 409, 'labelled "human"');
      await expectApiError(server.client.agents.blocks.detach(other.id, { agent_id: agent.id }), 404);
      await expectApiError(server.client.agents.blocks.retrieve('nope', { agent_id: agent.id }), 404, 'nope');
      const state = await server.client.agents.retrieve(agent.id);
      expect(state.blocks.map((block) => block.id)).toEqual([human!.id]);
    });

    it('refuses relabelling a shared block onto a label another holder already uses', async () => {
      const shared = await server.client.blocks.create({ label: 'project', value: 'p' });
      const agent = await server.client.agents.create({ model: MODEL, memory_blocks: [{ label: 'human', value: 'h' }], block_ids: [shared.id] });
      await expectApiError(server.client.blocks.update(shared.id, { label: 'human' }), 409, 'human');
      await server.client.blocks.update(shared.id, { label: 'project2' });
      expect((await server.client.agents.blocks.retrieve('project2', { agent_id: agent.id })).id).toBe(shared.id);
    });
  });
});
