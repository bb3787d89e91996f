import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.js';
import { expectApiError } from '../support/expected-errors.js';
import { reply, type FakeModelServer } from '../support/fake-model/index.js';
import { startTestServerWithFakeModel, type TestServer } from '../support/server.js';

describe.each(DIALECTS)('agent messages on %s', (dialect) => {
  let server: TestServer;
  let fake: FakeModelServer;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ server, fake, close: stop } = await startTestServerWithFakeModel(dialect));
  });
  afterAll(async () => stop?.());

  /** The stored context window, as the next model call will see it. */
  async function contextRoles(agentId: string): Promise<string[]> {
    const repos = server.context.store.repos;
    const ids = await repos.agents.inContextIdsOfConversation(await repos.agents.defaultConversationId(agentId));
    return (await repos.messages.inOrder(ids)).map((message) => message.role);
  }

  describe('POST /v1/agents/{agent_id}/messages', () => {
    it('rejects bad bodies naming the field', async () => {
      const model = fake.script([]);
      const agent = await server.client.agents.create({ model: model.handle });
      await expectApiError(server.client.agents.messages.create(agent.id, { messages: [] }), 422, 'body.messages');
      await expectApiError(server.client.agents.messages.create(agent.id, { input: 'a', messages: [{ role: 'user', content: 'b' }] }), 422, 'body.input');
      await expectApiError(server.client.agents.messages.create(agent.id, {}), 422, 'body.messages');
      await expectApiError(server.client.agents.messages.create(agent.id, { input: 'hi', max_steps: 0 }), 422, 'body.max_steps');
      expect(model.requests).toHaveLength(0);
    });

    it('edits memory through a tool call, and the next prompt shows the edit', async () => {
      const model = fake.script([reply.toolCall('memory_insert', { label: 'human', new_string: 'Likes tea.' }), reply.text('Noted.'), reply.text('You like tea.')]);
      const agent = await server.client.agents.create({ model: model.handle, memory_blocks: [{ label: 'human', value: 'Name: Ann' }] });
      const response = await server.client.agents.messages.create(agent.id, { input: 'I like tea' });
      expect(response.stop_reason.stop_reason).toBe('end_turn');
      expect(response.messages.map((message) => message.message_type)).toEqual(['tool_call_message', 'tool_return_message', 'assistant_message']);
      const [call, ret, answer] = response.messages as any[];
      expect(call.tool_call).toMatchObject({ name: 'memory_insert' });
      expect(ret).toMatchObject({ status: 'success', tool_call_id: call.tool_call.tool_call_id, tool_return: 'Name: Ann\nLikes tea.' });
      expect(answer.content).toBe('Noted.');
      expect(response.usage).toMatchObject({ message_type: 'usage_statistics', step_count: 2 });
      expect(response.usage.total_tokens).toBeGreaterThan(0);
      expect((await server.client.agents.blocks.retrieve('human', { agent_id: agent.id })).value).toBe('Name: Ann\nLikes tea.');

      const first = model.requests[0]!.body;
      expect(first.messages[0].role).toBe('system');
      expect(first.messages[0].content).toContain('<human>');
      expect(first.messages.at(-1)).toEqual({ role: 'user', content: [{ type: 'text', text: 'I like tea' }] });
      expect(first.tools.map((tool: any) => tool.function.name).sort()).toEqual(['conversation_search', 'memory_insert', 'memory_replace']);
      const second = model.requests[1]!.body;
      expect(second.messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: call.tool_call.tool_call_id });
      expect(JSON.parse(second.messages.at(-1).content)).toMatchObject({ status: 'OK', message: 'Name: Ann\nLikes tea.' });
      expect(second.messages[0].content).toContain('Likes tea.');

      await server.client.agents.messages.create(agent.id, { input: 'What do I like?' });
      expect(model.requests[2]!.body.messages[0].content).toContain('Likes tea.');
      expect(await contextRoles(agent.id)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'user', 'assistant']);
    });

    it('runs the same loop on an Anthropic model, sending thinking back with its signature', async () => {
      const model = fake.script([
        reply.reasoning('The user states a preference.', reply.toolCall('memory_replace', { label: 'human', old_string: 'tea', new_string: 'coffee' }), 'sig-abc'),
        reply.text('Updated.'),
      ]);
      const agent = await server.client.agents.create({ model: model.anthropicHandle, memory_blocks: [{ label: 'human', value: 'likes tea' }] });
      const response = await server.client.agents.messages.create(agent.id, { input: 'I switched to coffee' });
      expect(response.messages.map((message) => message.message_type)).toEqual(['reasoning_message', 'tool_call_message', 'tool_return_message', 'assistant_message']);
      expect(response.messages[0]).toMatchObject({ reasoning: 'The user states a preference.', signature: 'sig-abc' });
      expect((await server.client.agents.blocks.retrieve('human', { agent_id: agent.id })).value).toBe('likes coffee');
      const first = model.requests[0]!.body;
      expect(first.system).toContain('1→ likes tea');
      const second = model.requests[1]!.body;
      expect(second.messages.at(-2).content[0]).toMatchObject({ type: 'thinking', thinking: 'The user states a preference.', signature: 'sig-abc' });
      expect(second.messages.at(-1).content[0]).toMatchObject({ type: 'tool_result' });
    });

    it('runs the same loop on a Gemini model, sending the thought signature back on the call', async () => {
      const model = fake.script([
        reply.reasoning('The user states a preference.', reply.toolCall('memory_replace', { label: 'human', old_string: 'tea', new_string: 'coffee' }, { id: 'fc_1' }), 'sig-gem'),
        reply.text('Updated.'),
      ]);
      const agent = await server.client.agents.create({ model: model.geminiHandle, memory_blocks: [{ label: 'human', value: 'likes tea' }] });
      expect(agent.llm_config).toMatchObject({ model_endpoint_type: 'google_ai', model: model.id });
      const response = await server.client.agents.messages.create(agent.id, { input: 'I switched to coffee' });
      expect(response.messages.map((message) => message.message_type)).toEqual(['reasoning_message', 'tool_call_message', 'tool_return_message', 'assistant_message']);
      expect(response.messages[0]).toMatchObject({ reasoning: 'The user states a preference.', signature: 'sig-gem' });
      expect((await server.client.agents.blocks.retrieve('human', { agent_id: agent.id })).value).toBe('likes coffee');
      const [first, second] = model.requests.map((request) => request.body);
      expect(model.requests[0]!.path).toBe(`/v1beta/models/${model.id}:generateContent`);
      expect(first.systemInstruction.parts[0].text).toContain('<human>');
      expect(second.contents.at(-2)).toEqual({
        role: 'model',
        parts: [{ functionCall: { id: 'fc_1', name: 'memory_replace', args: { label: 'human', old_string: 'tea', new_string: 'coffee' } }, thoughtSignature: 'sig-gem' }],
      });
      expect(second.contents.at(-1).parts[0].functionResponse).toMatchObject({ id: 'fc_1', name: 'memory_replace', response: { output: expect.stringContaining('OK') } });
    });

    it('runs a memgpt agent on heartbeats: request_heartbeat continues, send_message ends, plain text is no_tool_call', async () => {
      const model = fake.script([
        reply.toolCall('core_memory_append', { label: 'human', content: 'Plays chess.', request_heartbeat: true }),
        reply.toolCall('send_message', { message: 'Noted your chess.' }),
        reply.text('I forgot to call a tool.'),
      ]);
      const agent = await server.client.agents.create({ model: model.handle, agent_type: 'memgpt_agent', memory_blocks: [{ label: 'human', value: 'Ann' }] });
      const response = await server.client.agents.messages.create(agent.id, { input: 'I play chess' });
      expect(response.stop_reason.stop_reason).toBe('tool_rule');
      expect(response.messages.map((message) => message.message_type)).toEqual(['tool_call_message', 'tool_return_message', 'assistant_message']);
      const tools = model.requests[0]!.body.tools.map((tool: any) => tool.function);
      expect(tools.find((tool: any) => tool.name === 'core_memory_append').parameters.required).toContain('request_heartbeat');
      expect(tools.find((tool: any) => tool.name === 'send_message').parameters.properties.request_heartbeat).toBeUndefined();
      const heartbeat = model.requests[1]!.body.messages.at(-1);
      expect(heartbeat.role).toBe('user');
      expect(JSON.parse(heartbeat.content[0].text)).toMatchObject({ type: 'heartbeat' });
      const plain = await server.client.agents.messages.create(agent.id, { input: 'and?' });
      expect(plain.stop_reason.stop_reason).toBe('no_tool_call');
    });

    it('searches the conversation history, leaving tool results out unless asked', async () => {
      const model = fake.script([
        reply.text('Noted, you like oolong.'),
        reply.toolCall('conversation_search', { query: 'OOLONG' }),
        reply.text('Found it.'),
      ]);
      const agent = await server.client.agents.create({ model: model.handle });
      await server.client.agents.messages.create(agent.id, { input: 'My favourite tea is oolong' });
      const response = await server.client.agents.messages.create(agent.id, { input: 'what tea?' });
      const ret = response.messages.find((message) => message.message_type === 'tool_return_message') as any;
      const hits = JSON.parse(ret.tool_return) as { role: string; content: string }[];
      expect(hits.map((hit) => hit.role).sort()).toEqual(['assistant', 'user']);
      expect(hits.map((hit) => hit.content)).toContain('My favourite tea is oolong');
    });

    it('searches the history by date in the agent\'s timezone: a bare end date takes in that whole day', async () => {
      const timezone = 'Pacific/Kiritimati';
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: timezone }).format(new Date());
      const tomorrow = new Intl.DateTimeFormat('en-CA', { timeZone: timezone }).format(new Date(Date.now() + 86_400_000));
      const model = fake.script([
        reply.text('Noted.'),
        reply.toolCall('conversation_search', { query: 'rooibos', start_date: today, end_date: today }),
        reply.toolCall('conversation_search', { query: 'rooibos', start_date: tomorrow }),
        reply.text('Done.'),
      ]);
      const agent = await server.client.agents.create({ model: model.handle, timezone });
      await server.client.agents.messages.create(agent.id, { input: 'I drink rooibos' });
      const response = await server.client.agents.messages.create(agent.id, { input: 'what do I drink?' });
      const returns = response.messages.filter((message) => message.message_type === 'tool_return_message').map((message: any) => message.tool_return as string);
      expect(JSON.parse(returns[0]!).map((hit: { content: string }) => hit.content)).toContain('I drink rooibos');
      expect(returns[1]).toBe('No messages matched.');
    });

    it('keeps the system prompt byte-identical across steps while memory is unchanged (prompt caching)', async () => {
      const model = fake.script([reply.toolCall('conversation_search', { query: 'x' }), reply.text('a'), reply.text('b')]);
      const agent = await server.client.agents.create({ model: model.handle, memory_blocks: [{ label: 'human', value: 'Ann' }] });
      await server.client.agents.messages.create(agent.id, { input: 'one' });
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await server.client.agents.messages.create(agent.id, { input: 'two' });
      const systems = model.requests.map((request) => request.body.messages[0].content);
      expect(new Set(systems).size).toBe(1);
    });

    it('answers one request with override_model, leaving the agent on its own model', async () => {
      const own = fake.script([reply.text('from my own model')]);
      const other = fake.script([reply.text('from the override')]);
      const agent = await server.client.agents.create({ model: own.handle });
      await expectApiError(server.client.agents.messages.create(agent.id, { input: 'x', override_model: 'nonsense' }), 422, 'override_model');
      const response = await server.client.agents.messages.create(agent.id, { input: 'hi', override_model: other.anthropicHandle });
      expect((response.messages[0] as any).content).toBe('from the override');
      expect(other.requests[0]!.path).toBe('/v1/messages');
      expect(((await server.client.agents.messages.create(agent.id, { input: 'again' })).messages[0] as any).content).toBe('from my own model');
    });

    it('reports a failed tool to the model and goes on', async () => {
      const model = fake.script([reply.toolCall('memory_replace', { label: 'human', old_string: 'absent', new_string: 'x' }), reply.text('Sorry.')]);
      const agent = await server.client.agents.create({ model: model.handle, memory_blocks: [{ label: 'human', value: 'Bo' }] });
      const response = await server.client.agents.messages.create(agent.id, { input: 'edit' });
      const ret = response.messages.find((message) => message.message_type === 'tool_return_message') as any;
      expect(ret.status).toBe('error');
      expect(ret.tool_return).toContain('not found');
      expect(JSON.parse(model.requests[1]!.body.messages.at(-1).content).status).toBe('Failed');
      expect(response.stop_reason.stop_reason).toBe('end_turn');
    });

    it('stops at max_steps and at a terminal tool rule', async () => {
      const looping = fake.script([
        reply.toolCall('conversation_search', { query: 'x' }),
        reply.toolCall('conversation_search', { query: 'y' }),
        reply.toolCall('conversation_search', { query: 'z' }),
      ]);
      const agent = await server.client.agents.create({ model: looping.handle });
      const response = await server.client.agents.messages.create(agent.id, { input: 'search', max_steps: 2 });
      expect(response.stop_reason.stop_reason).toBe('max_steps');
      expect(looping.requests).toHaveLength(2);

      const terminal = fake.script([reply.toolCall('send_message', { message: 'Bye!' })]);
      const memgpt = await server.client.agents.create({ model: terminal.handle, agent_type: 'memgpt_v2_agent' });
      const bye = await server.client.agents.messages.create(memgpt.id, { input: 'bye' });
      expect(bye.stop_reason.stop_reason).toBe('tool_rule');
      expect(bye.messages.find((message) => message.message_type === 'assistant_message')).toMatchObject({ content: 'Bye!' });
    });

    it('leaves the agent usable after a provider error: no orphaned tool call, the next send works', async () => {
      const model = fake.script([reply.toolCall('conversation_search', { query: 'a' }), reply.httpError(500, 'upstream exploded'), reply.text('Back again.')]);
      const agent = await server.client.agents.create({ model: model.handle });
      const body = await expectApiError(server.client.agents.messages.create(agent.id, { input: 'hello' }), 500, 'upstream exploded');
      expect(body.error).toMatchObject({ type: 'llm_error' });
      expect(await contextRoles(agent.id)).toEqual(['system', 'user', 'assistant', 'tool']);
      const again = await server.client.agents.messages.create(agent.id, { input: 'still there?' });
      expect(again.stop_reason.stop_reason).toBe('end_turn');
      const retrieved = await server.client.agents.retrieve(agent.id);
      expect(retrieved.last_stop_reason).toBe('end_turn');
    });

    it('serialises two concurrent sends to one agent: the stored history never interleaves', async () => {
      const model = fake.script([reply.stall(300, reply.text('first answer')), reply.text('second answer')]);
      const agent = await server.client.agents.create({ model: model.handle });
      const [a, b] = await Promise.all([
        server.client.agents.messages.create(agent.id, { input: 'first question' }),
        new Promise((resolve) => setTimeout(resolve, 50)).then(() => server.client.agents.messages.create(agent.id, { input: 'second question' })),
      ]);
      expect((a.messages[0] as any).content).toBe('first answer');
      expect((b.messages[0] as any).content).toBe('second answer');
      const history = await server.client.agents.messages.list(agent.id, { order: 'asc' });
      expect(history.items.filter((message) => message.message_type !== 'system_message').map((message: any) => message.content)).toEqual([
        'first question',
        'first answer',
        'second question',
        'second answer',
      ]);
    });
  });

  describe('many agents at once', () => {
    it('runs more concurrent sends than the store has connections without deadlocking', async () => {
      const agents = await Promise.all(
        Array.from({ length: 40 }, async (_, index) => {
          const model = fake.script([reply.stall(50, reply.text(`answer ${index}`))]);
          return server.client.agents.create({ model: model.handle });
        }),
      );
      const responses = await Promise.all(agents.map((agent) => server.client.agents.messages.create(agent.id, { input: 'hi' })));
      expect(responses.map((response) => (response.messages[0] as any).content)).toEqual(agents.map((_, index) => `answer ${index}`));
    });
  });

  describe('PATCH /v1/agents/{agent_id}/reset-messages', () => {
    it('clears the context back to the system message, optionally with the boot sequence', async () => {
      const model = fake.script([reply.text('hello'), reply.text('fresh start')]);
      const agent = await server.client.agents.create({ model: model.handle, agent_type: 'memgpt_v2_agent' });
      expect(await contextRoles(agent.id)).toEqual(['system', 'assistant', 'tool', 'user']);
      await server.client.agents.messages.create(agent.id, { input: 'hi' });
      const reset = await server.client.agents.messages.reset(agent.id, {});
      expect(reset!.message_ids).toHaveLength(1);
      expect(await contextRoles(agent.id)).toEqual(['system']);
      const history = await server.client.agents.messages.list(agent.id);
      expect(history.items.map((message) => message.message_type)).toEqual(['system_message']);
      await server.client.agents.messages.reset(agent.id, { add_default_initial_messages: true });
      expect(await contextRoles(agent.id)).toEqual(['system', 'assistant', 'tool', 'user']);
      await expectApiError(server.client.agents.messages.reset('agent-00000000-0000-4000-8000-000000000000', {}), 404);
    });
  });

  describe('GET /v1/agents/{agent_id}/messages', () => {
    it('lists history newest first with cursors, and never shows a heartbeat', async () => {
      const model = fake.script([reply.text('one'), reply.text('two')]);
      const agent = await server.client.agents.create({ model: model.handle });
      await server.client.agents.messages.create(agent.id, { input: 'q1' });
      await server.client.agents.messages.create(agent.id, { input: 'q2' });
      const newest = await server.client.agents.messages.list(agent.id, { limit: 2 });
      expect(newest.items.map((message: any) => message.content)).toEqual(['two', 'q2']);
      const all: string[] = [];
      for await (const message of server.client.agents.messages.list(agent.id, { limit: 2 })) all.push(String(message.message_type));
      expect(all).toEqual(['assistant_message', 'user_message', 'assistant_message', 'user_message', 'system_message']);
      await expectApiError(server.client.agents.messages.list('agent-00000000-0000-4000-8000-000000000000'), 404);
    });
  });
});
