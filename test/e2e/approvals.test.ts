import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext } from '../../src/app-context.js';
import { buildApp } from '../../src/http/app.js';
import Letta from '@letta-ai/letta-client';
import { DIALECTS } from '../support/dialects.js';
import { expectApiError } from '../support/expected-errors.js';
import { reply, type FakeModelServer } from '../support/fake-model/index.js';
import { startTestServerWithFakeModel, type TestServer } from '../support/server.js';

describe.each(DIALECTS)('approvals and client-side tools on %s', (dialect) => {
  let server: TestServer;
  let fake: FakeModelServer;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ server, fake, close: stop } = await startTestServerWithFakeModel(dialect));
  });
  afterAll(async () => stop?.());

  const human = (agentId: string) => server.client.agents.blocks.retrieve('human', { agent_id: agentId }).then((block) => block.value);

  async function agentNeedingApproval(handle: string) {
    const agent = await server.client.agents.create({ model: handle, memory_blocks: [{ label: 'human', value: 'Name: Ann' }] });
    await server.client.agents.tools.updateApproval('memory_insert', { agent_id: agent.id, body_requires_approval: true });
    return agent;
  }

  it('stops for approval, refuses a plain message meanwhile, and runs the tool once approved', async () => {
    const model = fake.script([reply.toolCall('memory_insert', { label: 'human', new_string: 'Likes tea.' }, { id: 'call_approve_1' }), reply.text('Saved.')]);
    const agent = await agentNeedingApproval(model.handle);
    const paused = await server.client.agents.messages.create(agent.id, { input: 'I like tea' });
    expect(paused.stop_reason.stop_reason).toBe('requires_approval');
    const request = paused.messages.find((message) => message.message_type === 'approval_request_message') as any;
    expect(request.tool_calls).toEqual([{ name: 'memory_insert', arguments: JSON.stringify({ label: 'human', new_string: 'Likes tea.' }), tool_call_id: 'call_approve_1' }]);
    expect(paused.messages.map((message) => message.message_type)).not.toContain('tool_return_message');
    expect(await human(agent.id)).toBe('Name: Ann');

    const busy = await expectApiError(server.client.agents.messages.create(agent.id, { input: 'hello?' }), 409);
    expect(busy.detail).toMatchObject({ code: 'PENDING_APPROVAL', pending_request_id: request.id });
    expect(model.requests).toHaveLength(1);

    const resumed = await server.client.agents.messages.create(agent.id, {
      messages: [{ type: 'approval', approvals: [{ type: 'approval', tool_call_id: 'call_approve_1', approve: true }] }],
    });
    expect(resumed.stop_reason.stop_reason).toBe('end_turn');
    expect(resumed.messages.map((message) => message.message_type)).toEqual(['tool_return_message', 'assistant_message']);
    expect(resumed.messages[0]).toMatchObject({ status: 'success', tool_call_id: 'call_approve_1' });
    expect(await human(agent.id)).toBe('Name: Ann\nLikes tea.');
    // The model sees one assistant turn with the call, then its result.
    const next = model.requests[1]!.body.messages;
    expect(next.at(-2)).toMatchObject({ role: 'assistant', tool_calls: [{ id: 'call_approve_1' }] });
    expect(next.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_approve_1' });

    const history = await server.client.agents.messages.list(agent.id, { order: 'asc' });
    expect(history.items.map((message) => message.message_type).filter((type) => type !== 'system_message')).toEqual([
      'user_message',
      'approval_request_message',
      'approval_response_message',
      'tool_return_message',
      'assistant_message',
    ]);
    expect(history.items.find((message) => message.message_type === 'approval_response_message')).toMatchObject({ approvals: [{ type: 'approval', tool_call_id: 'call_approve_1', approve: true }], approve: true });
  });

  it('a denial fails the call with the reason, and the model hears it', async () => {
    const model = fake.script([reply.toolCall('memory_insert', { label: 'human', new_string: 'Secret.' }, { id: 'call_deny_1' }), reply.text('Understood.')]);
    const agent = await agentNeedingApproval(model.handle);
    await server.client.agents.messages.create(agent.id, { input: 'remember my secret' });
    const resumed = await server.client.agents.messages.create(agent.id, {
      messages: [{ type: 'approval', approvals: [{ type: 'approval', tool_call_id: 'call_deny_1', approve: false, reason: 'not that one' }] }],
    });
    expect(resumed.messages[0]).toMatchObject({ message_type: 'tool_return_message', status: 'error' });
    expect((resumed.messages[0] as any).tool_return).toContain('not that one');
    expect(await human(agent.id)).toBe('Name: Ann');
    const result = JSON.parse(model.requests[1]!.body.messages.at(-1).content);
    expect(result).toMatchObject({ status: 'Failed' });
    expect(result.message).toContain('not that one');
  });

  it('refuses bad answers with a 4xx naming the problem, and leaves the request pending', async () => {
    const model = fake.script([reply.toolCall('memory_insert', { label: 'human', new_string: 'x' }, { id: 'call_bad_1' }), reply.text('ok')]);
    const agent = await agentNeedingApproval(model.handle);
    await expectApiError(server.client.agents.messages.create(agent.id, { messages: [{ type: 'approval', approve: true }] }), 409, 'no approval request');
    await server.client.agents.messages.create(agent.id, { input: 'go' });
    await expectApiError(
      server.client.agents.messages.create(agent.id, { messages: [{ type: 'approval', approvals: [{ type: 'approval', tool_call_id: 'call_other', approve: true }] }] }),
      422,
      'body.messages[0].approvals[0].tool_call_id',
    );
    await expectApiError(server.client.agents.messages.create(agent.id, { messages: [{ type: 'approval' } as any] }), 422, 'approvals');
    // The deprecated single answer still works.
    const resumed = await server.client.agents.messages.create(agent.id, { messages: [{ type: 'approval', approve: true }] });
    expect(resumed.stop_reason.stop_reason).toBe('end_turn');
    expect(await human(agent.id)).toBe('Name: Ann\nx');
  });

  it('a requires_approval tool rule pauses too; calls that need no approval run once the others are answered', async () => {
    const model = fake.script([
      reply.toolCalls([
        { name: 'conversation_search', args: { query: 'tea' }, id: 'call_auto' },
        { name: 'memory_replace', args: { label: 'human', old_string: 'Ann', new_string: 'Anna' }, id: 'call_gated' },
      ]),
      reply.text('done'),
    ]);
    const agent = await server.client.agents.create({
      model: model.handle,
      memory_blocks: [{ label: 'human', value: 'Name: Ann' }],
      tool_rules: [{ type: 'requires_approval', tool_name: 'memory_replace' }],
    });
    const paused = await server.client.agents.messages.create(agent.id, { input: 'rename me' });
    expect(paused.stop_reason.stop_reason).toBe('requires_approval');
    const request = paused.messages.find((message) => message.message_type === 'approval_request_message') as any;
    expect(request.tool_calls.map((call: any) => call.tool_call_id)).toEqual(['call_gated']);
    expect(paused.messages.find((message) => message.message_type === 'tool_call_message')).toMatchObject({ tool_calls: [{ tool_call_id: 'call_auto' }] });

    const resumed = await server.client.agents.messages.create(agent.id, { messages: [{ type: 'approval', approvals: [{ tool_call_id: 'call_gated', approve: true, type: 'approval' }] }] });
    const returns = (resumed.messages[0] as any).tool_returns;
    expect(returns.map((ret: any) => [ret.tool_call_id, ret.status])).toEqual([
      ['call_auto', 'success'],
      ['call_gated', 'success'],
    ]);
    expect(await human(agent.id)).toBe('Name: Anna');
    const next = model.requests[1]!.body.messages;
    expect(next.at(-3)).toMatchObject({ role: 'assistant', tool_calls: [{ id: 'call_auto' }, { id: 'call_gated' }] });
    expect(next.slice(-2).map((message: any) => message.tool_call_id)).toEqual(['call_auto', 'call_gated']);
  });

  it('client-side tools: the run pauses with the call, and the client sends the result back', async () => {
    const model = fake.script([reply.toolCall('get_weather', { city: 'Oslo' }, { id: 'call_client_1' }), reply.text('It is sunny in Oslo.')]);
    const agent = await server.client.agents.create({ model: model.handle });
    const clientTools = [{ name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }];
    const paused = await server.client.agents.messages.create(agent.id, { input: 'weather in Oslo?', client_tools: clientTools });
    expect(paused.stop_reason.stop_reason).toBe('requires_approval');
    expect(model.requests[0]!.body.tools.map((tool: any) => tool.function.name)).toContain('get_weather');
    expect(paused.messages.at(-1)).toMatchObject({ message_type: 'approval_request_message', tool_calls: [{ name: 'get_weather', tool_call_id: 'call_client_1' }] });

    const resumed = await server.client.agents.messages.create(agent.id, {
      messages: [{ type: 'approval', approvals: [{ type: 'tool', tool_call_id: 'call_client_1', tool_return: 'sunny, 21C', status: 'success', stdout: ['fetched'] }] }],
      client_tools: clientTools,
    });
    expect(resumed.stop_reason.stop_reason).toBe('end_turn');
    expect(resumed.messages[0]).toMatchObject({ message_type: 'tool_return_message', tool_return: 'sunny, 21C', status: 'success', stdout: ['fetched'] });
    expect(JSON.parse(model.requests[1]!.body.messages.at(-1).content).message).toBe('sunny, 21C');
  });

  it('streams the approval request with token streaming', async () => {
    const model = fake.script([reply.toolCall('memory_insert', { label: 'human', new_string: 'Streamed.' }, { id: 'call_stream_1' })]);
    const agent = await agentNeedingApproval(model.handle);
    const stream = await server.client.agents.messages.stream(agent.id, { input: 'go', stream_tokens: true });
    const types: string[] = [];
    let stopReason: string | undefined;
    for await (const chunk of stream as AsyncIterable<any>) {
      types.push(chunk.message_type);
      if (chunk.message_type === 'stop_reason') stopReason = chunk.stop_reason;
    }
    expect(stopReason).toBe('requires_approval');
    expect(types).toContain('approval_request_message');
    expect(types).not.toContain('tool_call_message');
  });

  it('the pending request survives a restart: another server on the same store takes the answer', async () => {
    const model = fake.script([reply.toolCall('memory_insert', { label: 'human', new_string: 'After restart.' }, { id: 'call_restart_1' }), reply.text('ok')]);
    const agent = await agentNeedingApproval(model.handle);
    await server.client.agents.messages.create(agent.id, { input: 'go' });
    const context = await createAppContext(server.context.config);
    const app = await buildApp(context);
    try {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      const client = new Letta({ baseURL: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, apiKey: 'x', maxRetries: 0 });
      const retrieved = await client.agents.retrieve(agent.id, { include: ['agent.pending_approval'] } as any);
      expect(retrieved.pending_approval).toMatchObject({ message_type: 'approval_request_message', tool_calls: [{ tool_call_id: 'call_restart_1' }] });
      const resumed = await client.agents.messages.create(agent.id, { messages: [{ type: 'approval', approvals: [{ type: 'approval', tool_call_id: 'call_restart_1', approve: true }] }] });
      expect(resumed.stop_reason.stop_reason).toBe('end_turn');
    } finally {
      await app.close();
      await context.close();
    }
    expect(await human(agent.id)).toBe('Name: Ann\nAfter restart.');
  });
});
