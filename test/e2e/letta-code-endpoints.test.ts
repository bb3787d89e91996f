import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.js';
import { reply, type FakeModelServer } from '../support/fake-model/index.js';
import { startTestServerWithFakeModel, type TestServer } from '../support/server.js';

/** The result the model read for the last tool call of a recorded OpenAI request. */
function lastToolResult(body: any): { status: string; message: string } {
  const message = [...body.messages].reverse().find((entry: any) => entry.role === 'tool');
  return JSON.parse(message.content);
}

async function status(promise: Promise<unknown>): Promise<{ status: number; detail: string }> {
  try {
    await promise;
    return { status: 200, detail: '' };
  } catch (error: any) {
    return { status: error.status, detail: JSON.stringify(error.error) };
  }
}

describe.each(DIALECTS)('what letta-code calls, and the top-level lists, on %s', (dialect) => {
  let server: TestServer;
  let fake: FakeModelServer;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ server, fake, close: stop } = await startTestServerWithFakeModel(dialect));
  });
  afterAll(async () => stop?.());

  describe('GET /v1/agents/{agent_id}/secrets, /mcp-servers, /repositories', () => {
    it('404s for an unknown agent', async () => {
      const missing = 'agent-00000000-0000-4000-8000-000000000000';
      for (const path of ['secrets', 'mcp-servers', 'repositories']) {
        expect(await status(server.client.get(`/v1/agents/${missing}/${path}`))).toMatchObject({ status: 404 });
      }
    });

    it('lists the secrets, and no MCP servers or repositories; adding either is a 501 naming it', async () => {
      const agent = await server.client.agents.create({ model: fake.script([]).handle, secrets: { GITHUB_TOKEN: 'ghp-1' } });
      expect(await server.client.get(`/v1/agents/${agent.id}/secrets`)).toEqual([expect.objectContaining({ key: 'GITHUB_TOKEN', value: 'ghp-1', agent_id: agent.id })]);
      expect(await server.client.get(`/v1/agents/${agent.id}/mcp-servers`)).toEqual([]);
      expect(await server.client.get(`/v1/agents/${agent.id}/repositories`)).toEqual({ repositories: [] });
      const added = await status(server.client.mcpServers.create({ server_name: 'x', config: { mcp_server_type: 'stdio', command: 'x', args: [] } } as any));
      expect(added).toMatchObject({ status: 501 });
      expect(added.detail).toContain('MCP servers');
      expect(await status(server.client.post(`/v1/agents/${agent.id}/repositories`, { body: { repository_id: 'r' } }))).toMatchObject({ status: 501 });
    });
  });

  describe('web_search and fetch_webpage', () => {
    it('are built-in tools an agent takes by name, failing with a clear tool error rather than the step', async () => {
      const base: { name: string }[] = await server.client.post('/v1/tools/add-base-tools');
      expect(base.map((tool) => tool.name)).toEqual(expect.arrayContaining(['web_search', 'fetch_webpage']));
      const model = fake.script([
        reply.toolCall('web_search', { query: 'letta' }),
        reply.toolCall('fetch_webpage', { url: 'http://127.0.0.1:9/nothing-listens-here' }),
        reply.toolCall('fetch_webpage', { url: `${fake.baseURL}/models` }),
        reply.toolCall('fetch_webpage', { url: 'file:///etc/passwd' }),
        reply.text('done'),
      ]);
      const agent = await server.client.agents.create({ model: model.handle, tools: ['web_search', 'fetch_webpage'], include_base_tools: false });
      expect(agent.tools.map((tool) => tool.name).sort()).toEqual(['fetch_webpage', 'web_search']);
      const response = await server.client.agents.messages.create(agent.id, { input: 'look it up' });
      expect(response.stop_reason.stop_reason).toBe('end_turn');
      const [search, unreachable, fetched, file] = model.requests.slice(1).map((request) => lastToolResult(request.body));
      expect(search).toMatchObject({ status: 'Failed', message: expect.stringContaining('EXA_API_KEY') });
      expect(unreachable).toMatchObject({ status: 'Failed', message: expect.stringContaining('could not reach 127.0.0.1:9') });
      expect(fetched!.status).toBe('OK');
      expect(JSON.parse(fetched!.message)).toHaveProperty('data');
      expect(file).toMatchObject({ status: 'Failed', message: expect.stringContaining('http or https') });
    });
  });

  describe('compaction_settings.model letta/auto', () => {
    it('summarises with the agent\'s own model', async () => {
      const model = fake.script([reply.text('one'), reply.text('two'), reply.text('The user said one and two.')]);
      const agent = await server.client.agents.create({ model: model.handle, compaction_settings: { model: 'letta/auto', mode: 'all' } as any });
      await server.client.agents.messages.create(agent.id, { input: 'one' });
      await server.client.agents.messages.create(agent.id, { input: 'two' });
      const outcome: any = await server.client.post(`/v1/agents/${agent.id}/summarize`, { body: {} });
      expect(outcome.summary).toBe('The user said one and two.');
      expect(model.requests).toHaveLength(3);
    });
  });

  describe('client_skills', () => {
    it('shows the request\'s skills and the agent\'s skill blocks to the model for that request only', async () => {
      const model = fake.script([reply.text('one'), reply.text('two')]);
      const agent = await server.client.agents.create({
        model: model.handle,
        memory_blocks: [{ label: 'skills/deploy', value: 'How to deploy', description: 'Deploys the app\nSecond line' }],
      });
      await server.client.agents.messages.create(agent.id, {
        input: 'hi',
        client_skills: [
          { name: 'review', description: 'Reviews a diff', location: '/home/u/.letta/skills/review/SKILL.md' },
          { name: 'deploy', description: 'Shadowed by the agent block', location: '/elsewhere/deploy/SKILL.md' },
        ],
      } as any);
      await server.client.agents.messages.create(agent.id, { input: 'again' });
      const systemOf = (index: number) => String((model.requests[index]!.body as any).messages[0].content);
      expect(systemOf(0)).toContain(['<available_skills>', '${MEMORY_DIR}/skills', '└── deploy/', '    └── SKILL.md (Deploys the app)', '', '/home/u/.letta/skills', '└── review/', '    └── SKILL.md (Reviews a diff)', '</available_skills>'].join('\n'));
      expect(systemOf(0)).not.toContain('Shadowed');
      // The next request without client skills still lists the agent's own skill block, and nothing is stored.
      expect(systemOf(1)).toContain('SKILL.md (Deploys the app)');
      expect(systemOf(1)).not.toContain('review');
      const [system] = (await server.client.agents.messages.list(agent.id, { order: 'asc', limit: 1 })).items as any[];
      expect(JSON.stringify(system)).not.toContain('available_skills');
    });
  });

  describe('messages across agents', () => {
    let first: { id: string };
    let second: { id: string };
    let conversationId: string;
    beforeAll(async () => {
      const model = fake.script([reply.text('Kiwis are birds.'), reply.text('Kiwis are also fruit.'), reply.text('Ferns grow here.')]);
      first = await server.client.agents.create({ model: model.handle });
      second = await server.client.agents.create({ model: model.handle });
      await server.client.agents.messages.create(first.id, { input: 'Tell me about kiwis' });
      const conversation = await server.client.conversations.create({ agent_id: second.id });
      conversationId = conversation.id;
      await server.client.post(`/v1/conversations/${conversation.id}/messages`, { body: { input: 'And kiwi fruit?', streaming: false } });
      await server.client.agents.messages.create(second.id, { input: 'What about ferns' });
    });

    it('GET /v1/messages/ lists every agent\'s messages newest first, by conversation and message type, with cursors', async () => {
      const all = await server.client.messages.list({ include_return_message_types: ['user_message', 'assistant_message'], limit: 1000 });
      const mine = all.filter((message: any) => message.content?.includes?.('kiw') || message.content?.includes?.('fern') || String(message.content).includes('Kiwi') || String(message.content).includes('Ferns'));
      expect(mine.map((message: any) => message.content)).toEqual([
        'Ferns grow here.',
        'What about ferns',
        'Kiwis are also fruit.',
        'And kiwi fruit?',
        'Kiwis are birds.',
        'Tell me about kiwis',
      ]);
      const inConversation = await server.client.messages.list({ conversation_id: conversationId, order: 'asc' });
      expect(inConversation.map((message: any) => message.message_type)).toEqual(['system_message', 'user_message', 'assistant_message']);
      const after = await server.client.messages.list({ conversation_id: conversationId, order: 'asc', after: inConversation[1]!.id });
      expect(after.map((message: any) => message.content)).toEqual(['Kiwis are also fruit.']);
      expect(await status(server.client.messages.list({ conversation_id: 'nope' }))).toMatchObject({ status: 422 });
    });

    it('GET /v1/messages/{message_id} returns that message', async () => {
      const [latest] = await server.client.messages.list({ limit: 1 });
      expect(await server.client.messages.retrieve(latest!.id)).toEqual([expect.objectContaining({ id: latest!.id, content: 'Ferns grow here.' })]);
      expect(await status(server.client.messages.retrieve('message-00000000-0000-4000-8000-000000000000'))).toMatchObject({ status: 404 });
    });

    it('POST /v1/messages/search finds every word across agents, by agent or conversation; vector mode is a 501', async () => {
      const found = await server.client.messages.search({ query: 'KIWI fruit' });
      expect(found.map((hit: any) => [hit.message_type, hit.content, hit.agent_id])).toEqual([
        ['assistant_message', 'Kiwis are also fruit.', second.id],
        ['user_message', 'And kiwi fruit?', second.id],
      ]);
      expect(found[0]).toMatchObject({ conversation_id: conversationId, message_id: expect.stringMatching(/^message-/), created_at: expect.any(String) });
      const ofFirst = await server.client.messages.search({ query: 'kiwis', agent_id: first.id });
      expect(ofFirst.map((hit: any) => hit.content)).toEqual(['Kiwis are birds.', 'Tell me about kiwis']);
      expect((await server.client.messages.search({ query: 'kiwi', conversation_id: conversationId })).length).toBe(2);
      // Dates bound instants: a bare date is the whole (UTC) day, a time with an offset the instant it names.
      const today = new Date().toISOString().slice(0, 10);
      expect((await server.client.messages.search({ query: 'kiwi', conversation_id: conversationId, start_date: today, end_date: today })).length).toBe(2);
      const anHourAgoAtPlusFive = new Date(Date.now() + 4 * 3_600_000).toISOString().replace('Z', '+05:00');
      expect((await server.client.messages.search({ query: 'kiwi', conversation_id: conversationId, start_date: anHourAgoAtPlusFive })).length).toBe(2);
      expect(await server.client.messages.search({ query: 'kiwi', conversation_id: conversationId, end_date: anHourAgoAtPlusFive })).toEqual([]);
      const vector = await status(server.client.messages.search({ query: 'kiwi', search_mode: 'vector' }));
      expect(vector).toMatchObject({ status: 501 });
      expect(vector.detail).toContain('Vector search over messages');
      const empty = await status(server.client.messages.search({ query: ' ' }));
      expect(empty).toMatchObject({ status: 422 });
      expect(empty.detail).toContain('query');
    });

    it('GET /v1/steps/ lists steps by agent and retrieves one', async () => {
      const steps = await server.client.steps.list({ agent_id: second.id, order: 'asc' });
      expect(steps.items).toHaveLength(2);
      expect(steps.items.every((step) => step.agent_id === second.id)).toBe(true);
      expect(await server.client.steps.retrieve(steps.items[0]!.id)).toMatchObject({ id: steps.items[0]!.id, agent_id: second.id });
    });

    it('GET /v1/runs/ filters by agent, conversation, status and background', async () => {
      const ofSecond = await server.client.runs.list({ agent_id: second.id });
      expect(ofSecond.items).toHaveLength(2);
      const inConversation = await server.client.runs.list({ conversation_id: conversationId });
      expect(inConversation.items.map((run) => run.agent_id)).toEqual([second.id]);
      expect((await server.client.runs.list({ agent_id: second.id, statuses: ['completed'] })).items).toHaveLength(2);
      expect((await server.client.runs.list({ agent_id: second.id, statuses: ['failed'] })).items).toHaveLength(0);
      expect((await server.client.runs.list({ agent_id: second.id, background: true })).items).toHaveLength(0);
    });
  });
});
