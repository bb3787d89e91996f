import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext } from '../../src/app-context.js';
import { DIALECTS } from '../support/dialects.js';
import { expectApiError } from '../support/expected-errors.js';
import { reply, type FakeModelServer } from '../support/fake-model/index.js';
import { startTestServerWithFakeModel, type TestServer } from '../support/server.js';

const UNKNOWN_RUN = 'run-00000000-0000-4000-8000-000000000000';

describe.each(DIALECTS)('runs and steps on %s', (dialect) => {
  let server: TestServer;
  let fake: FakeModelServer;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ server, fake, close: stop } = await startTestServerWithFakeModel(dialect));
  });
  afterAll(async () => stop?.());

  async function finishedRun() {
    const model = fake.script([reply.toolCall('conversation_search', { query: 'x' }), reply.text('done')]);
    const agent = await server.client.agents.create({ model: model.handle });
    const response = await server.client.agents.messages.create(agent.id, { input: 'go' });
    return { agent, runId: response.usage.run_ids![0]! };
  }

  describe('GET /v1/runs/{run_id} and its messages, steps and usage', () => {
    it('answers 422 for a malformed id and 404 for an unknown one', async () => {
      await expectApiError(server.client.runs.retrieve('run-1'), 422, 'run_id');
      await expectApiError(server.client.runs.retrieve(UNKNOWN_RUN), 404, UNKNOWN_RUN);
      await expectApiError(server.client.runs.steps.list(UNKNOWN_RUN), 404);
    });

    it('describes a finished run, its messages, its two steps and its usage', async () => {
      const { agent, runId } = await finishedRun();
      const run = await server.client.runs.retrieve(runId);
      expect(run).toMatchObject({ id: runId, agent_id: agent.id, status: 'completed', stop_reason: 'end_turn', background: false });
      expect(run.completed_at).toBeTruthy();
      const messages = await server.client.runs.messages.list(runId);
      expect(messages.items.map((message) => message.message_type)).toEqual(['user_message', 'tool_call_message', 'tool_return_message', 'assistant_message']);
      const steps = await server.client.runs.steps.list(runId);
      expect(steps.items).toHaveLength(2);
      expect(steps.items[0]).toMatchObject({ run_id: runId, agent_id: agent.id, provider_name: 'openai', status: 'success' });
      const usage = await server.client.runs.usage.retrieve(runId);
      expect(usage.total_tokens).toBe(steps.items.reduce((sum, step) => sum + (step.total_tokens ?? 0), 0));
      const step = await server.client.steps.retrieve(steps.items[1]!.id);
      expect(step.id).toBe(steps.items[1]!.id);
    });
  });

  describe('GET /v1/runs', () => {
    it('lists runs newest first, filtered by agent and status', async () => {
      const first = await finishedRun();
      const model = fake.script([reply.text('second')]);
      await server.client.agents.update(first.agent.id, { model: model.handle });
      const second = await server.client.agents.messages.create(first.agent.id, { input: 'again' });
      const list = await server.client.runs.list({ agent_id: first.agent.id });
      expect(list.items.map((run) => run.id)).toEqual([second.usage.run_ids![0], first.runId]);
      expect((await server.client.runs.list({ agent_id: first.agent.id, statuses: ['failed'] })).items).toEqual([]);
      await expectApiError(server.client.runs.list({ statuses: ['sideways'] }), 422, 'statuses');
    });
  });

  describe('DELETE /v1/runs/{run_id}', () => {
    it('deletes a finished run with its steps and keeps its messages; an active run answers 409', async () => {
      const { agent, runId } = await finishedRun();
      const steps = await server.client.runs.steps.list(runId);
      const deleted = await server.client.delete<{ id: string; status: string }>(`/v1/runs/${runId}`);
      expect(deleted).toMatchObject({ id: runId, status: 'completed' });
      await expectApiError(server.client.runs.retrieve(runId), 404, runId);
      await expectApiError(server.client.steps.retrieve(steps.items[0]!.id), 404);
      const history = await server.client.agents.messages.list(agent.id);
      expect(history.items.map((message) => message.message_type)).toContain('tool_return_message');

      const repos = server.context.store.repos;
      const active = await repos.runs.create({ agentId: agent.id, conversationId: await repos.agents.defaultConversationId(agent.id), background: false, requestConfig: {}, owner: 'x' });
      await expectApiError(server.client.delete(`/v1/runs/${active.id}`), 409, 'cancel it');
      expect((await server.client.runs.retrieve(active.id)).status).toBe('running');
    });
  });

  describe('a send refused a place in the queue', () => {
    it('answers 409 naming the active run and leaves no run behind', async () => {
      const model = fake.script([reply.stall(400, reply.text('first')), ...Array.from({ length: 15 }, () => reply.text('next'))]);
      const agent = await server.client.agents.create({ model: model.handle });
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, index) => server.client.agents.messages.create(agent.id, { input: `send ${index}` })));
      const refused = results.filter((result) => result.status === 'rejected');
      expect(refused).toHaveLength(4);
      for (const result of refused) expect((result as PromiseRejectedResult).reason).toMatchObject({ status: 409, error: { detail: expect.stringMatching(/busy with run run-/) } });
      const runs = await server.client.runs.list({ agent_id: agent.id, limit: 100 });
      expect(runs.items).toHaveLength(16);
      expect(runs.items.every((run) => run.status === 'completed')).toBe(true);
    });
  });

  describe('runs left by a dead process', () => {
    it('are failed once their owner stops beating (shared store) or at start-up (embedded store)', async () => {
      const { agent } = await finishedRun();
      const repos = server.context.store.repos;
      const conversationId = await repos.agents.defaultConversationId(agent.id);
      const stale = await repos.runs.create({ agentId: agent.id, conversationId, background: false, requestConfig: {}, owner: 'dead-process' });
      const fresh = await repos.runs.create({ agentId: agent.id, conversationId, background: false, requestConfig: {}, owner: 'live-process' });
      await server.context.store.db.updateTable('runs').set({ updated_at: '2020-01-01T00:00:00.000Z' }).where('id', '=', stale.id).execute();
      // A second process starting on the same store runs the sweep.
      const other = await createAppContext(server.context.config);
      await other.close();
      expect((await server.client.runs.retrieve(stale.id)).status).toBe('failed');
      const expectedFresh = server.context.store.dialect.sharedByProcesses ? 'running' : 'failed';
      expect((await server.client.runs.retrieve(fresh.id)).status).toBe(expectedFresh);
    });
  });

  describe('POST /v1/agents/{agent_id}/messages/async', () => {
    it('returns a running run at once that completes in the background', async () => {
      const model = fake.script([reply.stall(200, reply.text('async answer'))]);
      const agent = await server.client.agents.create({ model: model.handle });
      const run = await server.client.agents.messages.createAsync(agent.id, { input: 'later' });
      expect(run.status).toBe('running');
      let current = run;
      for (let i = 0; i < 50 && current.status === 'running'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        current = await server.client.runs.retrieve(run.id);
      }
      expect(current).toMatchObject({ status: 'completed', stop_reason: 'end_turn' });
      const messages = await server.client.runs.messages.list(run.id);
      expect(messages.items.map((message: any) => message.content)).toContain('async answer');
    });
  });
});
