import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.js';
import { reply, type FakeModelServer } from '../support/fake-model/index.js';
import { startTestServerWithFakeModel, type TestServer } from '../support/server.js';

const isSummariserCall = (body: any) => String(body.messages[0]?.content ?? '').startsWith('You summarise');

describe.each(DIALECTS)('compaction on %s', (dialect) => {
  let server: TestServer;
  let fake: FakeModelServer;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ server, fake, close: stop } = await startTestServerWithFakeModel(dialect));
  });
  afterAll(async () => stop?.());

  async function contextOf(agentId: string) {
    const repos = server.context.store.repos;
    const ids = await repos.agents.inContextIdsOfConversation(await repos.agents.defaultConversationId(agentId));
    return repos.messages.inOrder(ids);
  }

  it('summarize: older turns leave the context for a summary, stay searchable, and no call is split from its result', async () => {
    const model = fake.script([
      reply.text('Hello Ann.'),
      reply.toolCall('conversation_search', { query: 'zebra' }),
      reply.text('Found it.'),
      reply.text('Noted.'),
      reply.text('The user Ann keeps a zebra named Zed.'),
      reply.text('Still here.'),
    ]);
    const agent = await server.client.agents.create({ model: model.handle });
    await server.client.agents.messages.create(agent.id, { input: 'I am Ann.' });
    await server.client.agents.messages.create(agent.id, { input: 'Search for my zebra Zed.' });
    await server.client.agents.messages.create(agent.id, { input: 'Thanks.' });
    const before = (await contextOf(agent.id)).length;

    const outcome = await server.client.agents.messages.compact(agent.id, { compaction_settings: { mode: 'sliding_window', sliding_window_percentage: 0.0001 } });
    expect(outcome).toMatchObject({ summary: 'The user Ann keeps a zebra named Zed.', num_messages_before: before });
    expect(outcome.num_messages_after).toBeLessThan(before);
    const summariser = model.requests[4]!.body;
    expect(isSummariserCall(summariser)).toBe(true);
    expect(JSON.stringify(summariser.messages[1].content)).toContain('I am Ann.');
    expect(summariser.tools).toBeUndefined();

    const context = await contextOf(agent.id);
    expect(context.map((message) => message.role)).toEqual(['system', 'user', 'user', 'assistant']);
    expect(JSON.parse(context[1]!.content[0]!.text as string)).toMatchObject({ type: 'system_alert', message: expect.stringContaining('zebra named Zed') });
    await server.client.agents.messages.create(agent.id, { input: 'Are you there?' });
    const next = model.requests[5]!.body.messages;
    expect(JSON.stringify(next)).not.toContain('I am Ann.');
    expect(JSON.stringify(next)).toContain('zebra named Zed');
    // Evicted messages are still history.
    const history = await server.client.agents.messages.list(agent.id, { order: 'asc' });
    expect(history.items.some((message: any) => message.content === 'I am Ann.')).toBe(true);
  });

  it('compacts on its own when the context would overflow, and after a context-overflow error', async () => {
    const turns = Array.from({ length: 12 }, (_, index) => reply.text(`answer ${index}`));
    const model = fake.script(turns);
    const agent = await server.client.agents.create({ model: model.handle, context_window_limit: 3_000 });
    const long = 'lorem ipsum dolor sit amet '.repeat(80);
    for (let index = 0; index < 6; index++) {
      const response = await server.client.agents.messages.create(agent.id, { input: `${index}: ${long}` });
      expect(response.stop_reason.stop_reason).toBe('end_turn');
    }
    expect(model.requests.filter((request) => isSummariserCall(request.body)).length).toBeGreaterThan(0);
    const context = await contextOf(agent.id);
    expect(context.length).toBeLessThan(13);

    const overflow = fake.script([
      reply.text('Warm.'),
      reply.httpError(400, "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens."),
      reply.text('A short summary.'),
      reply.text('Answered after compaction.'),
    ]);
    const other = await server.client.agents.create({ model: overflow.handle });
    await server.client.agents.messages.create(other.id, { input: 'warm up' });
    const response = await server.client.agents.messages.create(other.id, { input: 'hello again' });
    expect(response.stop_reason.stop_reason).toBe('end_turn');
    expect(response.messages.at(-1)).toMatchObject({ message_type: 'assistant_message', content: 'Answered after compaction.' });
    expect(isSummariserCall(overflow.requests[2]!.body)).toBe(true);
    // The retried step no longer carries the evicted turn.
    expect(JSON.stringify(overflow.requests[3]!.body.messages)).not.toContain('warm up');
  });
});
