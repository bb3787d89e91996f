import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.js';
import { expectApiError } from '../support/expected-errors.js';
import { startTestServer, type TestServer } from '../support/server.js';

const MODEL = 'openai/gpt-4o-mini';
const UNKNOWN_AGENT = 'agent-00000000-0000-4000-8000-000000000000';

describe.each(DIALECTS)('agents on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect);
  });
  afterAll(async () => server?.close());

  describe('POST /v1/agents', () => {
    it('rejects bad input with a 422 naming the field, and writes nothing', async () => {
      const before = await server.context.store.repos.agents.count();
      await expectApiError(server.client.agents.create({ model: MODEL, agent_type: 'nope' as never }), 422, 'body.agent_type');
      await expectApiError(server.client.agents.create({ model: MODEL, tools: ['no_such_tool'] }), 422, 'tools[0]');
      await expectApiError(
        server.client.agents.create({ model: MODEL, memory_blocks: [{ label: 'human', value: 'a' }, { label: 'human', value: 'b' }] }),
        422,
        'duplicate block label "human"',
      );
      await expectApiError(server.client.agents.create({ model: MODEL, memory_blocks: [{ label: 'h', value: 'abc', limit: 2 }] }), 422, 'limit of 2');
      await expectApiError(server.client.agents.create({ model: 'no-slash' }), 422, 'body.model');
      await expectApiError(server.client.agents.create({}), 422, 'model');
      await expectApiError(server.client.agents.create({ model: MODEL, timezone: 'Mars/Olympus' }), 422, 'body.timezone');
      await expectApiError(server.client.agents.create({ model: MODEL, block_ids: ['block-x'] }), 422, 'body.block_ids[0]');
      await expectApiError(server.client.agents.create({ model: MODEL, tool_rules: [{ type: 'exit_loop' } as never] }), 422, 'tool_rules[0].tool_name');
      await expectApiError(server.client.agents.create({ model: MODEL, block_ids: ['block-00000000-0000-4000-8000-000000000000'] }), 404);
      expect(await server.context.store.repos.agents.count()).toBe(before);
    });

    it('creates a letta_v1 agent with its blocks, base tools and a compiled system message', async () => {
      const agent = await server.client.agents.create({
        name: 'helper',
        model: MODEL,
        memory_blocks: [
          { label: 'human', value: 'Name: Ann', description: 'about the user' },
          { label: 'persona', value: 'I am calm', limit: 500 },
        ],
        tags: ['team-a', 'beta'],
        metadata: { owner: 'ann' },
        timezone: 'Europe/Berlin',
        secrets: { API_TOKEN: 's3cret' },
        model_settings: { provider_type: 'openai', temperature: 0.3, max_output_tokens: 1000, parallel_tool_calls: true },
        tool_rules: [{ type: 'max_count_per_step', tool_name: 'memory_insert', max_count_limit: 2 }],
        max_files_open: 3,
        per_file_view_window_char_limit: 4000,
      });
      expect(agent.id).toMatch(/^agent-[0-9a-f-]{36}$/);
      expect(agent).toMatchObject({
        name: 'helper',
        agent_type: 'letta_v1_agent',
        model: MODEL,
        tags: ['beta', 'team-a'],
        metadata: { owner: 'ann' },
        timezone: 'Europe/Berlin',
        max_files_open: 3,
        per_file_view_window_char_limit: 4000,
      });
      expect(agent.llm_config).toMatchObject({ model: 'gpt-4o-mini', model_endpoint_type: 'openai', temperature: 0.3, max_tokens: 1000 });
      expect(agent.blocks.map((block) => [block.label, block.limit])).toEqual([
        ['human', 100000],
        ['persona', 500],
      ]);
      expect(agent.memory.blocks).toHaveLength(2);
      expect(agent.tools.map((tool) => tool.name).sort()).toEqual(['conversation_search', 'memory_insert', 'memory_replace']);
      expect(agent.tools.find((tool) => tool.name === 'memory_insert')?.tool_type).toBe('letta_sleeptime_core');
      expect(agent.secrets?.map((secret) => [secret.key, secret.value])).toEqual([['API_TOKEN', 's3cret']]);
      expect(agent.tool_rules).toEqual([{ type: 'max_count_per_step', tool_name: 'memory_insert', max_count_limit: 2 }]);
      expect(agent.message_ids).toHaveLength(1);
      const prompt = await server.client.agents.recompile(agent.id, { dry_run: true });
      expect(prompt).toContain('<memory_blocks>');
      expect(prompt).toContain('<human>\n<description>\nabout the user\n</description>');
      expect(prompt).toContain('- chars_limit=500');
      expect(prompt).toContain(`- AGENT_ID: ${agent.id}`);
    });

    it('attaches the memgpt tool set with its send_message rule, extra tools by name and id, and no base tools on request', async () => {
      const memgpt = await server.client.agents.create({ model: MODEL, agent_type: 'memgpt_agent', tools: ['archival_memory_search'] });
      expect(memgpt.tools.map((tool) => tool.name).sort()).toEqual(
        ['archival_memory_search', 'conversation_search', 'core_memory_append', 'core_memory_replace', 'memory', 'memory_apply_patch', 'send_message'].sort(),
      );
      expect(memgpt.tool_rules).toEqual([{ type: 'exit_loop', tool_name: 'send_message' }]);
      const search = memgpt.tools.find((tool) => tool.name === 'archival_memory_search')!;
      const bare = await server.client.agents.create({ model: MODEL, include_base_tools: false, tool_ids: [search.id], initial_message_sequence: [] });
      expect(bare.tools.map((tool) => tool.id)).toEqual([search.id]);
    });

    it('answers 404 for a folder that does not exist and 501 for templates', async () => {
      await expectApiError(server.client.agents.create({ model: MODEL, folder_ids: ['source-00000000-0000-4000-8000-000000000000'] }), 404, 'Folder with ID');
      await expectApiError(server.client.agents.create({ model: MODEL, from_template: 'my-template' }), 501, 'Agent templates');
    });

    it('keeps initial messages in context after the system message', async () => {
      const agent = await server.client.agents.create({
        model: MODEL,
        initial_message_sequence: [{ role: 'user', content: 'hello there' }],
      });
      expect(agent.message_ids).toHaveLength(2);
    });
  });

  describe('GET /v1/agents', () => {
    it('filters by name, tags, query text, and pages newest first by default', async () => {
      const ids: string[] = [];
      for (const [index, tags] of [['red'], ['red', 'blue'], ['blue'], ['red', 'blue', 'green']].entries()) {
        ids.push((await server.client.agents.create({ model: MODEL, name: `Listing Agent ${index}`, tags })).id);
      }
      const red = await server.client.agents.list({ tags: ['red'], query_text: 'listing agent' });
      expect(red.items.map((agent) => agent.id)).toEqual([ids[3], ids[1], ids[0]]);
      const redAndBlue = await server.client.agents.list({ tags: ['red', 'blue'], match_all_tags: true });
      expect(redAndBlue.items.map((agent) => agent.id)).toEqual([ids[3], ids[1]]);
      const byName = await server.client.agents.list({ name: 'Listing Agent 2' });
      expect(byName.items.map((agent) => agent.id)).toEqual([ids[2]]);
      const paged: string[] = [];
      for await (const agent of server.client.agents.list({ query_text: 'LISTING', limit: 3 })) paged.push(agent.id);
      expect(paged).toEqual([...ids].reverse());
      const ascending = await server.client.agents.list({ query_text: 'listing', order: 'asc', limit: 2, after: ids[0] });
      expect(ascending.items.map((agent) => agent.id)).toEqual([ids[1], ids[2]]);
      await expectApiError(server.client.agents.list({ order: 'sideways' as never }), 422, 'query.order');
      await expectApiError(server.client.agents.list({ after: UNKNOWN_AGENT }), 400, 'after');
    });

    it('sorts by updated_at and last_run_completion and pages through nulls', async () => {
      const made = [];
      for (let index = 0; index < 3; index++) made.push(await server.client.agents.create({ model: MODEL, tags: ['sorting'] }));
      await server.client.agents.update(made[0]!.id, { description: 'touched last' });
      const byUpdate = await server.client.agents.list({ tags: ['sorting'], order_by: 'updated_at', limit: 1 });
      expect(byUpdate.items[0]!.id).toBe(made[0]!.id);
      await server.client.agents.update(made[1]!.id, { last_run_completion: '2026-01-01T00:00:00.000Z' });
      const walked: string[] = [];
      for await (const agent of server.client.agents.list({ tags: ['sorting'], order_by: 'last_run_completion', limit: 1 })) walked.push(agent.id);
      expect(walked).toHaveLength(3);
      expect(walked[0]).toBe(made[1]!.id);
      expect(new Set(walked).size).toBe(3);
    });

    it('returns only the relationships named by include', async () => {
      const agent = await server.client.agents.create({ model: MODEL, name: 'include-me', tags: ['inc'], memory_blocks: [{ label: 'human', value: 'x' }] });
      const [listed] = (await server.client.agents.list({ name: 'include-me', include: ['agent.tags'] })).items;
      expect(listed!.tags).toEqual(['inc']);
      expect(listed!.blocks).toEqual([]);
      expect(listed!.tools).toEqual([]);
      const full = await server.client.agents.retrieve(agent.id);
      expect(full.blocks).toHaveLength(1);
      const onlyBlocks = await server.client.agents.retrieve(agent.id, { include: ['agent.blocks'] });
      expect(onlyBlocks.blocks).toHaveLength(1);
      expect(onlyBlocks.tags).toEqual([]);
    });
  });

  describe('GET /v1/agents/count', () => {
    it('counts the agents matching the filters', async () => {
      for (const tags of [['count-a'], ['count-a', 'count-b']]) await server.client.agents.create({ model: MODEL, tags });
      expect(await server.client.get('/v1/agents/count', { query: { tags: ['count-a'] } })).toBe(2);
      expect(await server.client.get('/v1/agents/count', { query: { tags: ['count-a', 'count-b'], match_all_tags: true } })).toBe(1);
      await expectApiError(server.client.get('/v1/agents/count', { query: { match_all_tags: 'maybe' } }), 422, 'query.match_all_tags');
    });
  });

  describe('GET /v1/agents/{agent_id}/core-memory and POST .../recompile', () => {
    it('returns the memory and rewrites the system message from the current blocks', async () => {
      const agent = await server.client.agents.create({ model: MODEL, memory_blocks: [{ label: 'human', value: 'likes tea' }] });
      const memory = (await server.client.get(`/v1/agents/${agent.id}/core-memory`)) as { blocks: { value: string }[] };
      expect(memory.blocks.map((block) => block.value)).toEqual(['likes tea']);
      await server.client.agents.blocks.update('human', { agent_id: agent.id, value: 'likes coffee' });
      const prompt = await server.client.agents.recompile(agent.id);
      expect(prompt).toContain('likes coffee');
      const again = (await server.client.post(`/v1/agents/${agent.id}/system-prompt/recompile`, { query: { dry_run: true } })) as string;
      expect(again).toContain('likes coffee');
      const stored = await server.context.store.repos.messages.get(agent.message_ids![0]!);
      expect(JSON.stringify(stored.content)).toContain('likes coffee');
    });
  });

  describe('GET /v1/agents/{agent_id}', () => {
    it('answers 422 for a malformed id and 404 naming an unknown one', async () => {
      await expectApiError(server.client.agents.retrieve('agent-123'), 422, 'params.agent_id');
      await expectApiError(server.client.agents.retrieve(UNKNOWN_AGENT), 404, `Agent with ID ${UNKNOWN_AGENT} not found`);
    });
  });

  describe('PATCH /v1/agents/{agent_id}', () => {
    it('updates fields, relationships and the model, and leaves the agent unchanged on bad input', async () => {
      const agent = await server.client.agents.create({ model: MODEL, name: 'before', tags: ['old'], memory_blocks: [{ label: 'human', value: 'h' }] });
      const extra = await server.client.blocks.create({ label: 'project', value: 'mnemo' });
      await expectApiError(server.client.agents.update(agent.id, { name: '' }), 422, 'body.name');
      await expectApiError(server.client.agents.update(agent.id, { block_ids: [extra.id, extra.id] }), 422, 'block_ids');
      expect((await server.client.agents.retrieve(agent.id)).name).toBe('before');

      const updated = await server.client.agents.update(agent.id, {
        name: 'after',
        tags: ['new', 'newer'],
        description: 'described',
        block_ids: [agent.blocks[0]!.id!, extra.id],
        model: 'openai/gpt-4.1',
        context_window_limit: 64000,
        secrets: { KEY: 'v' },
      });
      expect(updated).toMatchObject({ name: 'after', tags: ['new', 'newer'], description: 'described', model: 'openai/gpt-4.1' });
      expect(updated.llm_config).toMatchObject({ model: 'gpt-4.1', context_window: 64000 });
      expect(updated.blocks.map((block) => block.label).sort()).toEqual(['human', 'project']);
      expect(updated.secrets?.map((secret) => secret.key)).toEqual(['KEY']);
      expect(Date.parse(updated.updated_at!)).toBeGreaterThanOrEqual(Date.parse(agent.updated_at!));
    });
  });

  describe('DELETE /v1/agents/{agent_id}', () => {
    it('deletes the agent and keeps its blocks', async () => {
      const agent = await server.client.agents.create({ model: MODEL, memory_blocks: [{ label: 'human', value: 'h' }] });
      await server.client.agents.delete(agent.id);
      await expectApiError(server.client.agents.retrieve(agent.id), 404);
      await expectApiError(server.client.agents.delete(agent.id), 404);
      expect((await server.client.blocks.retrieve(agent.blocks[0]!.id!)).value).toBe('h');
    });
  });
});
