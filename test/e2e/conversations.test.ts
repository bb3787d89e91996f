import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.js';
import { expectApiError } from '../support/expected-errors.js';
import { reply, type FakeModelServer } from '../support/fake-model/index.js';
import { startTestServerWithFakeModel, type TestServer } from '../support/server.js';

async function collect(stream: AsyncIterable<any>): Promise<any[]> {
  const chunks: any[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe.each(DIALECTS)('conversations on %s', (dialect) => {
  let server: TestServer;
  let fake: FakeModelServer;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ server, fake, close: stop } = await startTestServerWithFakeModel(dialect));
  });
  afterAll(async () => stop?.());

  it('keeps separate contexts per conversation over shared memory, streaming by default', async () => {
    const model = fake.script([
      reply.toolCall('memory_insert', { label: 'human', new_string: 'Likes tea.' }),
      reply.text('Noted in thread one.'),
      reply.text('Thread two answer.'),
      reply.text('Default answer.'),
    ]);
    const agent = await server.client.agents.create({ model: model.handle, memory_blocks: [{ label: 'human', value: 'Name: Ann' }] });
    const one = await server.client.conversations.create({ agent_id: agent.id, description: 'first' });
    const two = await server.client.conversations.create({ agent_id: agent.id, description: 'second' });
    expect(one).toMatchObject({ agent_id: agent.id, description: 'first', archived: false });
    expect(one.id).toMatch(/^conv-/);
    expect(one.in_context_message_ids).toHaveLength(1);

    const chunks = await collect((await server.client.conversations.messages.create(one.id, { input: 'I like tea' })) as any);
    expect(chunks.at(-2)).toMatchObject({ message_type: 'stop_reason', stop_reason: 'end_turn' });
    expect(chunks.some((chunk) => chunk.message_type === 'assistant_message' && chunk.content === 'Noted in thread one.')).toBe(true);

    // `streaming: false` answers with one JSON response (the typed client always expects a stream).
    const answer: any = await server.client.post(`/v1/conversations/${two.id}/messages`, { body: { input: 'What do I like?', streaming: false } });
    expect(answer.messages.at(-1)).toMatchObject({ message_type: 'assistant_message', content: 'Thread two answer.' });
    const twoRequest = model.requests[2]!.body;
    // Thread two sees the memory edit made in thread one, but not thread one's messages.
    expect(twoRequest.messages[0].content).toContain('Likes tea.');
    expect(JSON.stringify(twoRequest.messages)).not.toContain('I like tea');
    expect(twoRequest.messages[0].content).toContain(`CONVERSATION_ID: ${two.id}`);

    await server.client.agents.messages.create(agent.id, { input: 'and the default?' });
    const defaultRequest = model.requests[3]!.body.messages;
    expect(JSON.stringify(defaultRequest)).not.toContain('What do I like?');

    const oneMessages = await server.client.conversations.messages.list(one.id, { order: 'asc' } as any);
    expect(oneMessages.items.map((message: any) => message.message_type).filter((type: string) => type !== 'system_message')).toEqual([
      'user_message',
      'tool_call_message',
      'tool_return_message',
      'assistant_message',
    ]);
    const onlyReplies = await server.client.conversations.messages.list(one.id, { order: 'asc', include_return_message_types: ['assistant_message', 'tool_return_message'] } as any);
    expect(onlyReplies.items.map((message: any) => message.message_type)).toEqual(['tool_return_message', 'assistant_message']);
    // The agent's own messages are its default conversation's, also reachable as "default".
    const own = await server.client.agents.messages.list(agent.id, { order: 'asc' });
    expect(own.items.map((message: any) => message.content)).toContain('and the default?');
    expect(own.items.map((message: any) => message.content)).not.toContain('I like tea');
    const viaDefault = await server.client.conversations.messages.list('default', { agent_id: agent.id, order: 'asc' } as any);
    expect(viaDefault.items.map((message: any) => message.id)).toEqual(own.items.map((message: any) => message.id));
  });

  it('lists, updates, archives and deletes conversations', async () => {
    const agent = await server.client.agents.create({ model: fake.script([]).handle });
    const made = await server.client.conversations.create({ agent_id: agent.id, summary: 'trip planning' });
    const other = await server.client.conversations.create({ agent_id: agent.id });
    expect((await server.client.conversations.list({ agent_id: agent.id })).map((conversation) => conversation.id).sort()).toEqual([made.id, other.id].sort());
    expect((await server.client.conversations.list({ agent_id: agent.id, summary_search: 'TRIP' })).map((conversation) => conversation.id)).toEqual([made.id]);
    const archived = await server.client.conversations.update(made.id, { archived: true, description: 'done' });
    expect(archived).toMatchObject({ archived: true, description: 'done' });
    expect((await server.client.conversations.list({ agent_id: agent.id })).map((conversation) => conversation.id)).toEqual([other.id]);
    expect((await server.client.conversations.list({ agent_id: agent.id, archive_status: 'archived' })).map((conversation) => conversation.id)).toEqual([made.id]);
    await server.client.conversations.delete(made.id);
    await expectApiError(server.client.conversations.retrieve(made.id), 404, made.id);
    await expectApiError(server.client.conversations.create({ agent_id: 'agent-00000000-0000-4000-8000-000000000000' }), 404);
  });

  it('forks a conversation from a copy of its context, up to a message', async () => {
    const model = fake.script([reply.text('first answer'), reply.text('second answer'), reply.text('fork answer')]);
    const agent = await server.client.agents.create({ model: model.handle });
    const source = await server.client.conversations.create({ agent_id: agent.id });
    await collect((await server.client.conversations.messages.create(source.id, { input: 'one' })) as any);
    await collect((await server.client.conversations.messages.create(source.id, { input: 'two' })) as any);
    const context = (await server.client.conversations.retrieve(source.id)).in_context_message_ids!;
    expect(context).toHaveLength(5);
    const fork = await server.client.conversations.fork(source.id, { message_id: context[2] });
    expect(fork.id).not.toBe(source.id);
    expect(fork.in_context_message_ids).toHaveLength(3);
    expect(fork.in_context_message_ids!.some((id) => context.includes(id))).toBe(false);
    await collect((await server.client.conversations.messages.create(fork.id, { input: 'three' })) as any);
    const sent = JSON.stringify(model.requests[2]!.body.messages);
    expect(sent).toContain('first answer');
    expect(sent).not.toContain('second answer');
    // The source goes on untouched.
    expect((await server.client.conversations.retrieve(source.id)).in_context_message_ids).toEqual(context);
  });

  it('cancels, recompiles, compacts, resumes a background stream, and uses its own model', async () => {
    const other = fake.script([reply.text('from the conversation model')]);
    const model = fake.script([reply.stall(1_500, reply.text('slow')), reply.text('Background answer.'), reply.text('Summary of it.')]);
    const agent = await server.client.agents.create({ model: model.handle });
    const conversation = await server.client.conversations.create({ agent_id: agent.id, model: other.handle });
    await collect((await server.client.conversations.messages.create(conversation.id, { input: 'which model?' })) as any);
    expect(other.requests).toHaveLength(1);
    expect(model.requests).toHaveLength(0);
    await server.client.conversations.update(conversation.id, { model: null });

    const slow = server.client.conversations.messages.create(conversation.id, { input: 'take your time' }).then((stream) => collect(stream as any));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const cancelled = await server.client.conversations.cancel(conversation.id);
    expect(Object.values(cancelled)).toEqual(['cancelled']);
    const slowChunks = await slow;
    expect(slowChunks.find((chunk) => chunk.message_type === 'stop_reason')).toMatchObject({ stop_reason: 'cancelled' });
    await expectApiError(server.client.conversations.cancel(conversation.id), 409);

    await collect((await server.client.conversations.messages.create(conversation.id, { input: 'in the background', background: true })) as any);
    const resumed = await collect((await server.client.conversations.messages.stream(conversation.id, { starting_after: 0 })) as any);
    expect(resumed.some((chunk) => chunk.message_type === 'assistant_message' && chunk.content === 'Background answer.')).toBe(true);

    const prompt = await server.client.conversations.recompile(conversation.id, { dry_run: true });
    expect(prompt).toContain(`CONVERSATION_ID`);
    const compacted = await server.client.conversations.messages.compact(conversation.id, { compaction_settings: { mode: 'all' } });
    expect(compacted).toMatchObject({ summary: 'Summary of it.' });
    expect(compacted.num_messages_after).toBeLessThan(compacted.num_messages_before!);
  });
});
