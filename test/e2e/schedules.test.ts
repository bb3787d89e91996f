import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext } from '../../src/app-context.js';
import { DIALECTS } from '../support/dialects.js';
import { expectApiError } from '../support/expected-errors.js';
import { reply, type FakeModelServer } from '../support/fake-model/index.js';
import { startTestServerWithFakeModel, type TestServer } from '../support/server.js';

const until = async (check: () => Promise<boolean>, timeoutMs = 8_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe.each(DIALECTS)('scheduled messages on %s', (dialect) => {
  let server: TestServer;
  let fake: FakeModelServer;
  let stop: () => Promise<void>;
  let callbacks: Record<string, any>[];
  let callbackServer: Server;
  let callbackUrl: string;
  beforeAll(async () => {
    ({ server, fake, close: stop } = await startTestServerWithFakeModel(dialect));
    callbacks = [];
    callbackServer = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        callbacks.push(JSON.parse(body));
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
    const address = callbackServer.address();
    callbackUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/done`;
  });
  afterAll(async () => {
    await stop?.();
    callbackServer?.close();
  });

  const runsOf = async (agentId: string) => (await server.client.runs.list({ agent_id: agentId } as any)).items;

  it('sends a one-time message when due, through a run, and reports to the callback', async () => {
    const model = fake.script([reply.text('Good morning!')]);
    const agent = await server.client.agents.create({ model: model.handle });
    const created = await server.client.agents.schedule.create(agent.id, {
      messages: [{ role: 'user', content: 'Wake up' }],
      schedule: { type: 'one-time', scheduled_at: Date.now() + 300 },
      callback_url: callbackUrl,
    });
    expect(created.id).toMatch(/^scheduled_message-/);
    expect(Date.parse(created.next_scheduled_at!)).toBeGreaterThan(Date.now() - 1_000);
    expect(model.requests).toHaveLength(0);

    await until(async () => callbacks.some((callback) => callback.scheduled_message_id === created.id));
    const callback = callbacks.find((entry) => entry.scheduled_message_id === created.id)!;
    expect(callback).toMatchObject({ agent_id: agent.id, status: 'completed', stop_reason: { stop_reason: 'end_turn' } });
    expect(callback.messages.at(-1)).toMatchObject({ message_type: 'assistant_message', content: 'Good morning!' });
    expect(model.requests[0]!.body.messages.at(-1)).toEqual({ role: 'user', content: [{ type: 'text', text: 'Wake up' }] });
    expect((await runsOf(agent.id)).map((run) => run.id)).toEqual([callback.run_id]);

    const retrieved = await server.client.agents.schedule.retrieve(created.id, { agent_id: agent.id });
    expect(retrieved).toMatchObject({ id: created.id, agent_id: agent.id, next_scheduled_time: null, schedule: { type: 'one-time' } });
    expect(retrieved.message.messages).toEqual([{ role: 'user', content: 'Wake up' }]);
  });

  it('fires a recurring cron schedule until deleted, and lists and validates schedules', async () => {
    const model = fake.script(Array.from({ length: 20 }, () => reply.text('tick')));
    const agent = await server.client.agents.create({ model: model.handle });
    const created = await server.client.agents.schedule.create(agent.id, { messages: [{ role: 'user', content: 'tick?' }], schedule: { type: 'recurring', cron_expression: '* * * * * *' } });
    await until(async () => (await runsOf(agent.id)).length >= 2);
    const listed = await server.client.agents.schedule.list(agent.id);
    expect(listed.scheduled_messages.map((entry) => entry.id)).toEqual([created.id]);
    expect(listed.has_next_page).toBe(false);
    expect(await server.client.agents.schedule.delete(created.id, { agent_id: agent.id })).toEqual({ success: true });
    const fired = (await runsOf(agent.id)).length;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // At most the firing that was already under way when it was deleted.
    expect((await runsOf(agent.id)).length).toBeLessThanOrEqual(fired + 1);
    await expectApiError(server.client.agents.schedule.retrieve(created.id, { agent_id: agent.id }), 404, created.id);

    await expectApiError(server.client.agents.schedule.create(agent.id, { messages: [{ role: 'user', content: 'x' }], schedule: { type: 'recurring', cron_expression: 'every tuesday' } }), 422, 'cron_expression');
    await expectApiError(server.client.agents.schedule.create(agent.id, { messages: [], schedule: { scheduled_at: Date.now() } }), 422, 'messages');
  });

  it('a firing missed while no server ran is sent once, and two processes never send one firing twice', async () => {
    const model = fake.script(Array.from({ length: 10 }, () => reply.text('caught up')));
    const agent = await server.client.agents.create({ model: model.handle });
    const created = await server.client.agents.schedule.create(agent.id, { messages: [{ role: 'user', content: 'daily' }], schedule: { type: 'recurring', cron_expression: '0 0 * * *' } });
    // As if the server had been down for three days of midnights.
    const db = server.context.store.db;
    await db.updateTable('scheduled_messages').set({ next_run_at: new Date(Date.now() - 3 * 86_400_000).toISOString() }).where('id', '=', created.id).execute();
    // A second process on the same store polls too; only one of them may send it.
    const other = await createAppContext(server.context.config);
    try {
      await until(async () => (await runsOf(agent.id)).length >= 1);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(await runsOf(agent.id)).toHaveLength(1);
      const next = (await server.client.agents.schedule.retrieve(created.id, { agent_id: agent.id })).next_scheduled_time!;
      expect(Date.parse(next)).toBeGreaterThan(Date.now());
    } finally {
      await other.close();
    }
  });
});
