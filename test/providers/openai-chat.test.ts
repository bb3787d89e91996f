import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/providers/errors.js';
import { collectStream, type ModelRequest } from '../../src/providers/model-client.js';
import { OpenAIChatModel } from '../../src/providers/openai/chat.js';
import { createProviderFetch } from '../../src/providers/provider-fetch.js';
import { reply, startFakeModelServer, type FakeModelServer, type Turn } from '../support/fake-model/index.js';

const TOOLS = [{ name: 'memory_insert', description: 'Insert text', parameters: { type: 'object', properties: { label: { type: 'string' } }, required: ['label'] } }];

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return { system: 'You are terse.', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], tools: TOOLS, settings: {}, ...overrides };
}

describe('OpenAIChatModel against the fake OpenAI server', () => {
  let fake: FakeModelServer;
  beforeAll(async () => {
    fake = await startFakeModelServer();
  });
  afterAll(async () => fake?.close());

  // The fetch the server gives the SDK.
  const providerFetch = createProviderFetch();

  function modelFor(turns: Turn[], timeout = 10_000) {
    const scripted = fake.script(turns);
    const client = new OpenAI({ apiKey: 'test', baseURL: fake.baseURL, maxRetries: 0, timeout, fetch: providerFetch });
    return { scripted, model: new OpenAIChatModel(scripted.id, { provider: 'openai', client, useMaxCompletionTokens: false }) };
  }

  it('sends the system prompt, messages, tools and settings as chat-completions fields', async () => {
    const { scripted, model } = modelFor([reply.text('ok')]);
    await model.generate(
      request({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' } }] },
          { role: 'assistant', text: '', toolCalls: [{ id: 'call_1', name: 'memory_insert', arguments: '{"label":"human"}' }] },
          { role: 'tool', toolCallId: 'call_1', toolName: 'memory_insert', content: '{"status":"OK"}' },
        ],
        settings: { temperature: 0.2, maxOutputTokens: 99, parallelToolCalls: false },
        toolChoice: 'required',
      }),
    );
    const body = scripted.requests[0]!.body;
    expect(body).toMatchObject({ model: scripted.id, temperature: 0.2, max_tokens: 99, parallel_tool_calls: false, tool_choice: 'required', stream: false });
    expect(body.messages[0]).toEqual({ role: 'system', content: 'You are terse.' });
    expect(body.messages[1].content[1]).toEqual({ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } });
    expect(body.messages[2]).toMatchObject({ role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'memory_insert' } }] });
    expect(body.messages[3]).toEqual({ role: 'tool', tool_call_id: 'call_1', content: '{"status":"OK"}' });
    expect(body.tools[0]).toEqual({ type: 'function', function: TOOLS[0] });
  });

  it('streams the same reply that generate returns: text, reasoning and parallel tool calls', async () => {
    const turn = reply.reasoning('Let me think.', reply.toolCalls([
      { name: 'memory_insert', args: { label: 'human', new_string: 'likes tea' } },
      { name: 'memory_insert', args: { label: 'persona', new_string: 'calm' } },
    ]));
    const { model } = modelFor([turn, turn]);
    const whole = await model.generate(request());
    const streamed = await collectStream(model.stream(request()));
    expect(streamed).toEqual(whole);
    expect(whole.toolCalls.map((call) => JSON.parse(call.arguments).label)).toEqual(['human', 'persona']);
    expect(whole.reasoning).toEqual([{ text: 'Let me think.' }]);
    expect(whole.finishReason).toEqual({ unified: 'tool-calls', raw: 'tool_calls' });
    expect(whole.usage.inputTokens).toBeGreaterThan(0);
  });

  it('streams text as deltas and reports a length stop', async () => {
    const { model } = modelFor([reply.text('one two three', { finish: 'length' })]);
    const deltas: string[] = [];
    let finish;
    for await (const part of model.stream(request())) {
      if (part.type === 'text-delta') deltas.push(part.delta);
      if (part.type === 'finish') finish = part.finishReason;
    }
    expect(deltas).toEqual(['one ', 'two ', 'three']);
    expect(finish).toEqual({ unified: 'length', raw: 'length' });
  });

  it.each([
    [429, 'slow down', 'llm_rate_limit', true],
    [401, 'bad key', 'llm_authentication', false],
    [400, "This model's maximum context length is 8192 tokens", 'llm_context_window_exceeded', false],
    [400, 'bad tool schema', 'llm_bad_request', false],
    [503, 'overloaded', 'llm_error', true],
  ] as const)('maps HTTP %i to %s', async (status, message, type, retryable) => {
    const { model } = modelFor([reply.httpError(status, message)]);
    const error = await model.generate(request()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ type, retryable, providerStatus: status });
    expect((error as Error).message).toContain(message);
  });

  it('reports a malformed response, a dropped stream and a timeout as provider errors', async () => {
    const { model } = modelFor([reply.malformed(), reply.dropAfter(3, reply.text('a b c d e f g')), reply.stall(2_000)], 300);
    await expect(model.generate(request())).rejects.toBeInstanceOf(ProviderError);
    await expect(collectStream(model.stream(request()))).rejects.toBeInstanceOf(ProviderError);
    await expect(model.generate(request())).rejects.toMatchObject({ type: 'llm_timeout' });
  });
});
