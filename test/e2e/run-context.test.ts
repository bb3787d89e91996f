import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.js';
import { reply, type FakeModelServer, type ScriptedModel } from '../support/fake-model/index.js';
import { startTestServerWithFakeModel, type TestServer } from '../support/server.js';

/**
 * A run keeps its conversation's context window in memory while it holds the conversation's lock;
 * these check that what it writes back stays right when the context changes under it anyway.
 */
describe.each(DIALECTS)("a run's context window on %s", (dialect) => {
  let server: TestServer;
  let fake: FakeModelServer;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ server, fake, close: stop } = await startTestServerWithFakeModel(dialect));
  });
  afterAll(async () => stop?.());

  async function untilRequests(model: ScriptedModel, count: number): Promise<void> {
    while (model.requests.length < count) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  it('appends to message_ids set by an agent update during the run, instead of writing back its own copy', async () => {
    const model = fake.script([reply.toolCall('conversation_search', { query: 'tea' }), reply.stall(500, reply.text('Found it.'))]);
    const agent = await server.client.agents.create({
      model: model.handle,
      initial_message_sequence: [
        { role: 'user', content: 'an old question' },
        { role: 'assistant', content: 'an old answer' },
      ],
    });
    const sending = server.client.agents.messages.create(agent.id, { input: 'What about tea?' });
    // The second step's model call is in flight: the run has committed its first step.
    await untilRequests(model, 2);
    const during = (await server.client.agents.retrieve(agent.id)).message_ids!;
    expect(during).toHaveLength(6);
    const [system, , , ...thisRun] = during;
    const trimmed = [system!, ...thisRun];
    await server.client.agents.update(agent.id, { message_ids: trimmed });

    const response = await sending;
    expect(response.stop_reason.stop_reason).toBe('end_turn');
    const after = (await server.client.agents.retrieve(agent.id)).message_ids!;
    expect(after.slice(0, -1)).toEqual(trimmed);
    expect(after).toHaveLength(trimmed.length + 1);
    const history = await server.client.agents.messages.list(agent.id, { order: 'asc' });
    const last = history.items.at(-1) as { id: string; content?: string };
    expect(last.content).toBe('Found it.');
    expect(after.at(-1)).toBe(last.id);

    // The next run starts from the context as it is stored.
    model.push(reply.text('Fresh start.'));
    await server.client.agents.messages.create(agent.id, { input: 'Again?' });
    const texts = (model.requests[2]!.body.messages as { role: string; content: unknown }[]).map((message) => JSON.stringify(message.content));
    expect(texts.some((text) => text.includes('an old question'))).toBe(false);
    expect(texts.some((text) => text.includes('What about tea?'))).toBe(true);
  });

  it('starts each run from the store: what another writer changed between runs is seen, not a remembered copy', async () => {
    const model = fake.script([reply.text('first answer'), reply.text('second answer')]);
    const agent = await server.client.agents.create({ model: model.handle });
    await server.client.agents.messages.create(agent.id, { input: 'first question' });

    // Another process on the same store: it rewrites the stored prompt (keeping its memory, so it
    // stays in use) and appends an exchange to the context.
    const repos = server.context.store.repos;
    const conversationId = await repos.agents.defaultConversationId(agent.id);
    const ids = await repos.agents.inContextIdsOfConversation(conversationId);
    const [system] = await repos.messages.inOrder(ids.slice(0, 1));
    await repos.messages.setContent(system!.id, [{ type: 'text', text: `${system!.content[0]!.text}\nWritten elsewhere.` }]);
    const added = await repos.messages.insertMany([
      { agentId: agent.id, conversationId, role: 'user', content: [{ type: 'text', text: 'a question asked elsewhere' }] },
      { agentId: agent.id, conversationId, role: 'assistant', content: [{ type: 'text', text: 'an answer given elsewhere' }] },
    ]);
    await repos.agents.setInContextMessageIds(conversationId, [...ids, ...added.map((message) => message.id)]);

    await server.client.agents.messages.create(agent.id, { input: 'second question' });
    const sent = model.requests[1]!.body.messages as { role: string; content: unknown }[];
    expect(JSON.stringify(sent[0]!.content)).toContain('Written elsewhere.');
    const texts = sent.slice(1).map((message) => JSON.stringify(message.content));
    const order = ['first question', 'first answer', 'a question asked elsewhere', 'an answer given elsewhere', 'second question'].map((text) => texts.findIndex((sentText) => sentText.includes(text)));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });
});
