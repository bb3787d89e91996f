import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.js';
import { expectApiError } from '../support/expected-errors.js';
import { reply, type FakeModelServer } from '../support/fake-model/index.js';
import { startTestServerWithFakeModel, type TestServer } from '../support/server.js';

describe.each(DIALECTS)('streaming agent messages on %s', (dialect) => {
  let server: TestServer;
  let fake: FakeModelServer;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ server, fake, close: stop } = await startTestServerWithFakeModel(dialect));
  });
  afterAll(async () => stop?.());

  async function collect(stream: AsyncIterable<any>): Promise<any[]> {
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    return chunks;
  }

  describe('POST /v1/agents/{agent_id}/messages/stream', () => {
    it('streams each step, starting with a ping that names the run, ending with stop_reason and usage', async () => {
      const model = fake.script([reply.toolCall('memory_insert', { label: 'human', new_string: 'tea' }), reply.text('Noted.')]);
      const agent = await server.client.agents.create({ model: model.handle, memory_blocks: [{ label: 'human', value: '' }] });
      const chunks = await collect(await server.client.agents.messages.stream(agent.id, { input: 'I like tea' }));
      expect(chunks.map((chunk) => chunk.message_type)).toEqual(['ping', 'tool_call_message', 'tool_return_message', 'assistant_message', 'stop_reason', 'usage_statistics']);
      expect(chunks[0].run_id).toMatch(/^run-/);
      expect(chunks.slice(0, 4).map((chunk) => chunk.seq_id)).toEqual([1, 2, 3, 4]);
      expect(chunks[4].stop_reason).toBe('end_turn');
      expect(chunks[5]).toMatchObject({ step_count: 2, run_ids: [chunks[0].run_id] });
    });

    it('streams tokens whose reassembly equals the non-streamed reply', async () => {
      const turn = reply.reasoning('Thinking it over.', reply.text('The quick brown fox jumps over the lazy dog.'));
      const model = fake.script([turn, turn]);
      const agent = await server.client.agents.create({ model: model.anthropicHandle });
      const whole = await server.client.agents.messages.create(agent.id, { input: 'tell me' });
      const chunks = await collect(await server.client.agents.messages.stream(agent.id, { input: 'tell me', stream_tokens: true }));
      const text = chunks.filter((chunk) => chunk.message_type === 'assistant_message');
      expect(text.length).toBeGreaterThan(3);
      expect(new Set(text.map((chunk) => chunk.id)).size).toBe(1);
      expect(text.map((chunk) => chunk.content).join('')).toBe((whole.messages.find((message) => message.message_type === 'assistant_message') as any).content);
      const reasoning = chunks.filter((chunk) => chunk.message_type === 'reasoning_message');
      expect(reasoning.map((chunk) => chunk.reasoning).join('')).toBe('Thinking it over.');
      expect(reasoning.at(-1).signature).toBeTruthy();
      const stored = await server.client.agents.messages.list(agent.id, { limit: 1 });
      expect(stored.items[0]!.id).toBe(text[0].id);
    });

    it('streams Gemini tokens whose reassembly equals the non-streamed reply', async () => {
      const turn = reply.text('Gemini says the quick brown fox jumps.');
      const model = fake.script([turn, turn]);
      const agent = await server.client.agents.create({ model: model.geminiHandle });
      const whole = await server.client.agents.messages.create(agent.id, { input: 'tell me' });
      const chunks = await collect(await server.client.agents.messages.stream(agent.id, { input: 'tell me', stream_tokens: true }));
      const text = chunks.filter((chunk) => chunk.message_type === 'assistant_message');
      expect(text.length).toBeGreaterThan(3);
      expect(text.map((chunk) => chunk.content).join('')).toBe((whole.messages.find((message) => message.message_type === 'assistant_message') as any).content);
      expect(model.requests[1]!.path).toBe(`/v1beta/models/${model.id}:streamGenerateContent`);
      expect(chunks.find((chunk) => chunk.message_type === 'stop_reason').stop_reason).toBe('end_turn');
    });

    it('streams tool call arguments as fragments of one call', async () => {
      const model = fake.script([reply.toolCall('conversation_search', { query: 'tea and biscuits' }), reply.text('Found nothing.')]);
      const agent = await server.client.agents.create({ model: model.handle });
      const chunks = await collect(await server.client.agents.messages.stream(agent.id, { input: 'search', stream_tokens: true, include_pings: false }));
      const calls = chunks.filter((chunk) => chunk.message_type === 'tool_call_message');
      expect(calls[0].tool_calls).toMatchObject({ name: 'conversation_search' });
      expect(JSON.parse(calls.map((chunk) => chunk.tool_calls.arguments).join(''))).toEqual({ query: 'tea and biscuits' });
      expect(chunks.filter((chunk) => chunk.message_type === 'tool_return_message')).toHaveLength(1);
      expect(chunks[0].message_type).not.toBe('ping');
    });

    it('ends a failed run with stop_reason, an error event and [DONE]; the agent stays usable', async () => {
      const model = fake.script([reply.httpError(429, 'slow down'), reply.text('ok now')]);
      const agent = await server.client.agents.create({ model: model.handle });
      const stream = await server.client.agents.messages.stream(agent.id, { input: 'hi' });
      const error = await collect(stream).catch((caught: unknown) => caught);
      // The client surfaces the SSE error event as an exception after the stop reason.
      expect(String((error as Error).message ?? error)).toMatch(/slow down|llm_rate_limit/);
      const again = await server.client.agents.messages.create(agent.id, { input: 'hi again' });
      expect(again.stop_reason.stop_reason).toBe('end_turn');
    });

    it('reports a context overflow with the provider message, and the agent stays usable', async () => {
      const overflow = "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.";
      const model = fake.script([reply.httpError(400, overflow), reply.text('fits now')]);
      const agent = await server.client.agents.create({ model: model.handle });
      const seen: any[] = [];
      const error: any = await (async () => {
        for await (const chunk of await server.client.agents.messages.stream(agent.id, { input: 'long' })) seen.push(chunk);
      })().catch((caught: unknown) => caught);
      expect(seen.find((chunk) => chunk.message_type === 'stop_reason')).toMatchObject({ stop_reason: 'llm_api_error' });
      // The client raises the SSE error event with its payload.
      expect(error.error).toMatchObject({ message_type: 'error_message', error_type: 'context_window_exceeded', message: expect.stringContaining('maximum context length is 8192') });
      const again = await server.client.agents.messages.create(agent.id, { input: 'short' });
      expect(again.stop_reason.stop_reason).toBe('end_turn');
    });

    it('takes streaming: true on /messages, and refuses stream options without it', async () => {
      const model = fake.script([reply.text('streamed')]);
      const agent = await server.client.agents.create({ model: model.handle });
      await expectApiError(server.client.agents.messages.create(agent.id, { input: 'x', stream_tokens: true } as never), 422, 'stream_tokens');
      const chunks = await collect((await server.client.agents.messages.create(agent.id, { input: 'x', streaming: true } as never)) as any);
      expect(chunks.map((chunk) => chunk.message_type)).toEqual(['ping', 'assistant_message', 'stop_reason', 'usage_statistics']);
    });
  });

  describe('background runs and POST /v1/runs/{run_id}/stream', () => {
    it('keeps a background run going after the client leaves, and resumes after the last seen event', async () => {
      const model = fake.script([reply.toolCall('conversation_search', { query: 'x' }), reply.stall(400, reply.text('Finished without you.'))]);
      const agent = await server.client.agents.create({ model: model.handle });
      const first: any[] = [];
      for await (const chunk of await server.client.agents.messages.stream(agent.id, { input: 'go', background: true })) {
        first.push(chunk);
        if (chunk.message_type === 'tool_call_message') break;
      }
      const runId = first[0].run_id;
      const lastSeen = first.at(-1).seq_id;
      const resumed = await collect(await server.client.runs.messages.stream(runId, { starting_after: lastSeen }));
      expect(resumed.map((chunk) => chunk.message_type)).toEqual(['tool_return_message', 'assistant_message', 'stop_reason', 'usage_statistics']);
      expect(resumed[0].seq_id).toBe(lastSeen + 1);
      expect(resumed[1].content).toBe('Finished without you.');
      const replay = await collect(await server.client.runs.messages.stream(runId));
      expect(replay.map((chunk) => chunk.message_type)).toEqual(['ping', 'tool_call_message', 'tool_return_message', 'assistant_message', 'stop_reason', 'usage_statistics']);
    });

    it('refuses to resume a run that was not background, and an unknown run', async () => {
      const model = fake.script([reply.text('plain')]);
      const agent = await server.client.agents.create({ model: model.handle });
      const chunks = await collect(await server.client.agents.messages.stream(agent.id, { input: 'x' }));
      await expectApiError(server.client.runs.messages.stream(chunks[0].run_id), 400, 'background');
      await expectApiError(server.client.runs.messages.stream('run-00000000-0000-4000-8000-000000000000'), 404);
    });
  });

  describe('POST /v1/agents/{agent_id}/messages/cancel', () => {
    it('cancels a run mid-stream and answers 409 when nothing runs', async () => {
      const model = fake.script([reply.stall(1_500, reply.text('too late'))]);
      const agent = await server.client.agents.create({ model: model.handle });
      await expectApiError(server.client.agents.messages.cancel(agent.id), 409, 'no active run');
      const stream = await server.client.agents.messages.stream(agent.id, { input: 'slow' });
      const chunks: any[] = [];
      for await (const chunk of stream) {
        chunks.push(chunk);
        if (chunk.message_type === 'ping') {
          const cancelled = await server.client.agents.messages.cancel(agent.id);
          expect(cancelled).toEqual({ [String(chunk.run_id)]: 'cancelled' });
        }
      }
      expect(chunks.find((chunk) => chunk.message_type === 'stop_reason')?.stop_reason).toBe('cancelled');
      expect(chunks.some((chunk) => chunk.message_type === 'assistant_message')).toBe(false);
    });
  });
});
