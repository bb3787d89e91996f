import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.js';
import { reply, type FakeModelServer } from '../support/fake-model/index.js';
import { startTestServerWithFakeModel, type TestServer } from '../support/server.js';

/** The tools offered in a recorded OpenAI request, sorted. */
function offered(body: any): string[] {
  return (body.tools ?? []).map((tool: any) => tool.function.name).sort();
}

function lastToolResult(body: any): { status: string; message: string } {
  const message = [...body.messages].reverse().find((entry: any) => entry.role === 'tool');
  return JSON.parse(message.content);
}

describe.each(DIALECTS)('tool rules on %s', (dialect) => {
  let server: TestServer;
  let fake: FakeModelServer;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ server, fake, close: stop } = await startTestServerWithFakeModel(dialect));
  });
  afterAll(async () => stop?.());

  const BASE = ['conversation_search', 'memory_insert', 'memory_replace'];

  async function agentWith(handle: string, toolRules: any[], extra: Record<string, unknown> = {}) {
    return server.client.agents.create({ model: handle, memory_blocks: [{ label: 'human', value: 'Name: Ann' }], tool_rules: toolRules, ...extra });
  }

  it('run_first: only the first tool is offered, a call is required, and its fixed arguments win', async () => {
    const model = fake.script([reply.toolCall('conversation_search', { query: 'zzz' }), reply.text('done')]);
    const agent = await agentWith(model.handle, [{ type: 'run_first', tool_name: 'conversation_search', args: { query: 'porcupine' } }]);
    const response = await server.client.agents.messages.create(agent.id, { input: 'I keep a porcupine' });
    expect(response.stop_reason.stop_reason).toBe('end_turn');
    const [first, second] = model.requests.map((request) => request.body);
    expect(offered(first)).toEqual(['conversation_search']);
    expect(first.tool_choice).toBe('required');
    // The rule's query found the user's message; the model's own query ("zzz") would not have.
    expect(lastToolResult(second).message).toContain('I keep a porcupine');
    expect(offered(second)).toEqual(BASE);
    expect(second.tool_choice).toBeUndefined();
  });

  it('exit_loop: calling a terminal tool ends the turn with stop reason tool_rule', async () => {
    const model = fake.script([reply.toolCall('memory_insert', { label: 'human', new_string: 'Likes tea.' })]);
    const agent = await agentWith(model.handle, [{ type: 'exit_loop', tool_name: 'memory_insert' }]);
    const response = await server.client.agents.messages.create(agent.id, { input: 'I like tea' });
    expect(response.stop_reason.stop_reason).toBe('tool_rule');
    expect(model.requests).toHaveLength(1);
    expect(response.messages.map((message) => message.message_type)).toEqual(['tool_call_message', 'tool_return_message']);
  });

  it('continue_loop: a memgpt agent goes on after the tool even without a heartbeat request', async () => {
    const model = fake.script([
      reply.toolCall('conversation_search', { query: 'x', request_heartbeat: false }),
      reply.toolCall('send_message', { message: 'All done.', request_heartbeat: false }),
    ]);
    const agent = await agentWith(model.handle, [{ type: 'continue_loop', tool_name: 'conversation_search' }], { agent_type: 'memgpt_v2_agent' });
    const response = await server.client.agents.messages.create(agent.id, { input: 'look it up' });
    expect(model.requests).toHaveLength(2);
    // send_message is the memgpt types' terminal tool (a base rule).
    expect(response.stop_reason.stop_reason).toBe('tool_rule');
    expect(response.messages.at(-1)).toMatchObject({ message_type: 'assistant_message', content: 'All done.' });
  });

  it('constrain_child_tools: after the parent only its children are offered; another call is refused, not run', async () => {
    const model = fake.script([
      reply.toolCall('conversation_search', { query: 'x' }),
      reply.toolCall('memory_replace', { label: 'human', old_string: 'Ann', new_string: 'Bob' }),
      reply.toolCall('memory_insert', { label: 'human', new_string: 'Child ran.' }),
      reply.text('ok'),
    ]);
    const agent = await agentWith(model.handle, [{ type: 'constrain_child_tools', tool_name: 'conversation_search', children: ['memory_insert'] }]);
    const response = await server.client.agents.messages.create(agent.id, { input: 'go' });
    expect(response.stop_reason.stop_reason).toBe('end_turn');
    const bodies = model.requests.map((request) => request.body);
    expect(offered(bodies[1])).toEqual(['memory_insert']);
    expect(bodies[1].tool_choice).toBe('required');
    const refused = lastToolResult(bodies[2]);
    expect(refused.status).toBe('Failed');
    expect(refused.message).toContain('[ToolConstraintError] Cannot call memory_replace');
    // The refused call did not run; the child did.
    expect((await server.client.agents.blocks.retrieve('human', { agent_id: agent.id })).value).toBe('Name: Ann\nChild ran.');
  });

  it('conditional: the tool output picks the next tool, else the default child', async () => {
    const model = fake.script([reply.toolCall('conversation_search', { query: 'nothing-here' }), reply.text('a'), reply.toolCall('conversation_search', { query: 'hello' }), reply.text('b')]);
    const agent = await agentWith(model.handle, [
      { type: 'conditional', tool_name: 'conversation_search', child_output_mapping: { 'No messages matched.': 'memory_insert' }, default_child: 'memory_replace' },
    ]);
    await server.client.agents.messages.create(agent.id, { input: 'hello' });
    await server.client.agents.messages.create(agent.id, { input: 'again' });
    const bodies = model.requests.map((request) => request.body);
    expect(offered(bodies[1])).toEqual(['memory_insert']);
    expect(offered(bodies[3])).toEqual(['memory_replace']);
  });

  it('max_count_per_step and parent_last_tool narrow the tools offered', async () => {
    const model = fake.script([reply.toolCall('conversation_search', { query: 'a' }), reply.toolCall('memory_insert', { label: 'human', new_string: 'x' }), reply.text('ok')]);
    const agent = await agentWith(model.handle, [
      { type: 'max_count_per_step', tool_name: 'conversation_search', max_count_limit: 1 },
      { type: 'parent_last_tool', tool_name: 'conversation_search', children: ['memory_insert'] },
    ]);
    await server.client.agents.messages.create(agent.id, { input: 'go' });
    const bodies = model.requests.map((request) => request.body);
    expect(offered(bodies[0])).toEqual(['conversation_search', 'memory_replace']);
    expect(offered(bodies[1])).toEqual(['memory_insert', 'memory_replace']);
    expect(offered(bodies[2])).toEqual(['memory_replace']);
  });

  it('required_before_exit: the turn does not end until the tool is called', async () => {
    const model = fake.script([reply.text('bye'), reply.toolCall('memory_insert', { label: 'human', new_string: 'Noted.' }), reply.text('bye now')]);
    const agent = await agentWith(model.handle, [{ type: 'required_before_exit', tool_name: 'memory_insert' }]);
    const response = await server.client.agents.messages.create(agent.id, { input: 'hi' });
    expect(response.stop_reason.stop_reason).toBe('end_turn');
    expect(model.requests).toHaveLength(3);
    const nudge = model.requests[1]!.body.messages.at(-1);
    expect(nudge.role).toBe('user');
    expect(JSON.stringify(nudge.content)).toContain('memory_insert');
    // The nudge is the loop's own message: clients never see it.
    expect(response.messages.filter((message) => message.message_type === 'user_message')).toEqual([]);
  });

  it('max_steps: a loop that keeps calling tools stops at the limit', async () => {
    const model = fake.script([reply.toolCall('conversation_search', { query: 'a' }), reply.toolCall('conversation_search', { query: 'b' })]);
    const agent = await agentWith(model.handle, []);
    const response = await server.client.agents.messages.create(agent.id, { input: 'go', max_steps: 2 });
    expect(response.stop_reason.stop_reason).toBe('max_steps');
    expect(response.usage.step_count).toBe(2);
  });
});
