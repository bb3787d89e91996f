import Anthropic from '@anthropic-ai/sdk';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { AnthropicMessagesModel } from '../../src/providers/anthropic/messages.js';
import { ProviderError } from '../../src/providers/errors.js';
import { createProviderFetch } from '../../src/providers/provider-fetch.js';
import { collectStream, type ModelRequest, type ModelStreamPart } from '../../src/providers/model-client.js';
import { reply, startFakeModelServer, type FakeModelServer, type Turn } from '../support/fake-model/index.js';

const TOOLS = [{ name: 'memory_insert', description: 'Insert text', parameters: { type: 'object', properties: { label: { type: 'string' } }, required: ['label'] } }];

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return { system: 'You are terse.', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], tools: TOOLS, settings: {}, ...overrides };
}

/**
 * A fetch that rewrites the fake's streamed body, then ends it or breaks it. The fake's own
 * `malformed` frame has no `event:` line (the SDK skips it) and its `dropAfter` closes the socket
 * before any byte is flushed, so mid-stream faults are made here.
 */
function rewritingFetch(rewrite: (body: string) => string, breaks = false): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (!response.headers.get('content-type')?.startsWith('text/event-stream')) return response;
    const text = rewrite(await response.text());
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) controller.enqueue(new TextEncoder().encode(text));
        else if (breaks) controller.error(new TypeError('terminated'));
        else controller.close();
        sent = true;
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
}

async function partsOf(stream: AsyncIterable<ModelStreamPart>): Promise<ModelStreamPart[]> {
  const parts: ModelStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

async function* replay(parts: ModelStreamPart[]): AsyncIterable<ModelStreamPart> {
  yield* parts;
}

describe('AnthropicMessagesModel against the fake Anthropic server', () => {
  let fake: FakeModelServer;
  beforeAll(async () => {
    fake = await startFakeModelServer();
  });
  afterAll(async () => fake?.close());

  // The fetch the server gives the SDK.
  const providerFetch = createProviderFetch();

  function modelFor(turns: Turn[], options: { timeout?: number; fetch?: typeof fetch } = {}) {
    const scripted = fake.script(turns);
    const client = new Anthropic({
      apiKey: 'test',
      // The SDK appends `/v1/messages` itself.
      baseURL: fake.baseURL.replace(/\/v1$/, ''),
      maxRetries: 0,
      timeout: options.timeout ?? 10_000,
      // The SDK logs unparsable stream data before throwing; the tests check the error instead.
      logLevel: 'off',
      fetch: options.fetch ?? providerFetch,
    });
    return { scripted, model: new AnthropicMessagesModel(scripted.id, { provider: 'anthropic', client }) };
  }

  it('sends the system prompt, tools, max_tokens and alternating turns with merged tool results', async () => {
    const { scripted, model } = modelFor([reply.text('ok')]);
    const response = await model.generate(
      request({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' } }] },
          { role: 'user', content: [{ type: 'image', source: { kind: 'url', url: 'https://example.com/cat.png' } }] },
          {
            role: 'assistant',
            text: 'Saving both.',
            toolCalls: [
              { id: 'toolu_1', name: 'memory_insert', arguments: '{"label":"human"}' },
              { id: 'toolu_2', name: 'memory_insert', arguments: '{not json' },
            ],
          },
          { role: 'tool', toolCallId: 'toolu_1', toolName: 'memory_insert', content: '{"status":"OK"}' },
          { role: 'tool', toolCallId: 'toolu_2', toolName: 'memory_insert', content: 'bad arguments', isError: true },
          { role: 'user', content: [{ type: 'text', text: 'thanks' }] },
        ],
        settings: { maxOutputTokens: 99, temperature: 0.2, parallelToolCalls: false },
        toolChoice: 'required',
      }),
    );
    const { body, path } = scripted.requests[0]!;
    expect(path).toBe('/v1/messages');
    expect(body).toMatchObject({ model: scripted.id, system: 'You are terse.', max_tokens: 99, stream: false, tool_choice: { type: 'any', disable_parallel_tool_use: true } });
    expect(body).not.toHaveProperty('temperature');
    expect(response.warnings).toEqual([expect.stringContaining('temperature')]);
    expect(body.tools).toEqual([{ name: 'memory_insert', description: 'Insert text', input_schema: TOOLS[0]!.parameters }]);
    expect(body.messages.map((message: { role: string }) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(body.messages[0].content).toEqual([
      { type: 'text', text: 'hi' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
    ]);
    expect(body.messages[1].content).toEqual([
      { type: 'text', text: 'Saving both.' },
      { type: 'tool_use', id: 'toolu_1', name: 'memory_insert', input: { label: 'human' } },
      { type: 'tool_use', id: 'toolu_2', name: 'memory_insert', input: {} },
    ]);
    expect(body.messages[2].content).toEqual([
      { type: 'tool_result', tool_use_id: 'toolu_1', content: '{"status":"OK"}' },
      { type: 'tool_result', tool_use_id: 'toolu_2', content: 'bad arguments', is_error: true },
      { type: 'text', text: 'thanks' },
    ]);
  });

  it('defaults max_tokens, adds the thinking budget on top and names a forced tool', async () => {
    const { scripted, model } = modelFor([reply.text('ok'), reply.text('ok')]);
    await model.generate(request({ settings: { thinkingBudgetTokens: 2048, reasoningEffort: 'high' } }));
    const forced = await model.generate(request({ toolChoice: { name: 'memory_insert' }, settings: { thinkingBudgetTokens: 2048 } }));
    expect(scripted.requests[0]!.body).toMatchObject({ max_tokens: 8192 + 2048, thinking: { type: 'enabled', budget_tokens: 2048 } });
    expect(scripted.requests[0]!.body).not.toHaveProperty('tool_choice');
    // Anthropic rejects thinking together with a forced tool choice.
    expect(scripted.requests[1]!.body).toMatchObject({ max_tokens: 8192, tool_choice: { type: 'tool', name: 'memory_insert' } });
    expect(scripted.requests[1]!.body).not.toHaveProperty('thinking');
    expect(forced.warnings).toEqual([expect.stringContaining('thinking')]);
  });

  it('generates and streams the same text reply', async () => {
    const { scripted, model } = modelFor([reply.text('Hello there, friend.'), reply.text('Hello there, friend.')]);
    const whole = await model.generate(request());
    const parts = await partsOf(model.stream(request()));
    expect(scripted.requests[1]!.body.stream).toBe(true);
    expect(parts.filter((part) => part.type === 'text-delta').map((part) => part.delta)).toEqual(['Hello ', 'there, ', 'friend.']);
    expect(await collectStream(replay(parts))).toEqual(whole);
    expect(whole).toMatchObject({ text: 'Hello there, friend.', reasoning: [], toolCalls: [], finishReason: { unified: 'stop', raw: 'end_turn' }, warnings: [] });
    expect(whole.usage.inputTokens).toBeGreaterThan(0);
    expect(whole.usage.outputTokens).toBeGreaterThan(0);
  });

  it('reports a length stop', async () => {
    const { model } = modelFor([reply.text('one two three', { finish: 'length' })]);
    expect((await collectStream(model.stream(request()))).finishReason).toEqual({ unified: 'length', raw: 'max_tokens' });
  });

  it('returns a tool call and two parallel tool calls with their JSON arguments', async () => {
    const one = reply.toolCall('memory_insert', { label: 'human', new_string: 'likes tea' }, { id: 'toolu_a', text: 'Noting.' });
    const two = reply.toolCalls([
      { name: 'memory_insert', args: { label: 'human', new_string: 'likes tea' }, id: 'toolu_b' },
      { name: 'memory_insert', args: { label: 'persona', new_string: 'calm' }, id: 'toolu_c' },
    ]);
    const { model } = modelFor([one, one, two, two]);
    const single = await model.generate(request());
    expect(await collectStream(model.stream(request()))).toEqual(single);
    expect(single).toMatchObject({ text: 'Noting.', toolCalls: [{ id: 'toolu_a', name: 'memory_insert' }], finishReason: { unified: 'tool-calls', raw: 'tool_use' } });
    expect(JSON.parse(single.toolCalls[0]!.arguments)).toEqual({ label: 'human', new_string: 'likes tea' });

    const parallel = await model.generate(request());
    const parts = await partsOf(model.stream(request()));
    expect(parts.filter((part) => part.type === 'tool-call-start')).toEqual([
      { type: 'tool-call-start', index: 0, id: 'toolu_b', name: 'memory_insert' },
      { type: 'tool-call-start', index: 1, id: 'toolu_c', name: 'memory_insert' },
    ]);
    expect(await collectStream(replay(parts))).toEqual(parallel);
    expect(parallel.toolCalls.map((call) => [call.id, JSON.parse(call.arguments).label])).toEqual([['toolu_b', 'human'], ['toolu_c', 'persona']]);
  });

  it('round-trips reasoning with its signature', async () => {
    const turn = reply.reasoning('The user wants tea noted.', reply.toolCall('memory_insert', { label: 'human' }, { id: 'toolu_r' }), 'sig-abc');
    const { scripted, model } = modelFor([turn, turn, reply.text('Done.')]);
    const whole = await model.generate(request({ settings: { thinkingBudgetTokens: 1024 } }));
    const parts = await partsOf(model.stream(request({ settings: { thinkingBudgetTokens: 1024 } })));
    expect(parts.find((part) => part.type === 'reasoning-end')).toEqual({ type: 'reasoning-end', signature: 'sig-abc' });
    expect(await collectStream(replay(parts))).toEqual(whole);
    expect(whole.reasoning).toEqual([{ text: 'The user wants tea noted.', signature: 'sig-abc' }]);

    await model.generate(
      request({
        settings: { thinkingBudgetTokens: 1024 },
        messages: [
          ...request().messages,
          { role: 'assistant', text: whole.text, reasoning: [...whole.reasoning, { text: '', redacted: 'opaque' }], toolCalls: whole.toolCalls },
          { role: 'tool', toolCallId: 'toolu_r', toolName: 'memory_insert', content: 'OK' },
        ],
      }),
    );
    expect(scripted.requests[2]!.body.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'The user wants tea noted.', signature: 'sig-abc' },
        { type: 'redacted_thinking', data: 'opaque' },
        { type: 'tool_use', id: 'toolu_r', name: 'memory_insert', input: { label: 'human' } },
      ],
    });
  });

  it.each([
    [429, 'slow down', 'llm_rate_limit', true],
    [401, 'invalid x-api-key', 'llm_authentication', false],
    [400, 'prompt is too long: 210000 tokens > 200000 maximum', 'llm_context_window_exceeded', false],
    [400, 'tools.0.input_schema: invalid', 'llm_bad_request', false],
    [529, 'Overloaded', 'llm_error', true],
  ] as const)('maps HTTP %i to %s', async (status, message, type, retryable) => {
    const { model } = modelFor([reply.httpError(status, message), reply.httpError(status, message)]);
    for (const call of [() => model.generate(request()), () => collectStream(model.stream(request()))]) {
      const error = await call().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ type, retryable, providerStatus: status });
      expect((error as Error).message).toContain(message);
    }
  });

  it('reports a malformed response as an invalid response', async () => {
    const badFrame = () => 'event: message_start\ndata: {"type": "message_start", oops\n\n';
    const { model } = modelFor([reply.malformed(), reply.text('ok')], { fetch: rewritingFetch(badFrame) });
    await expect(model.generate(request())).rejects.toMatchObject({ type: 'llm_invalid_response' });
    await expect(collectStream(model.stream(request()))).rejects.toMatchObject({ type: 'llm_invalid_response' });
  });

  it('fails a dropped connection instead of hanging', async () => {
    const { model } = modelFor([reply.dropAfter(4, reply.text('a b c d e f g'))]);
    const error = await collectStream(model.stream(request())).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ type: 'llm_error', retryable: true });
  });

  it.each([
    ['ends', false],
    ['breaks', true],
  ])('fails a stream whose body %s after the first text delta', async (_, breaks) => {
    // message_start, content_block_start and the first text_delta.
    const firstFrames = (body: string) => body.split('\n\n').slice(0, 3).join('\n\n') + '\n\n';
    const { model } = modelFor([reply.text('a b c d e f g')], { fetch: rewritingFetch(firstFrames, breaks) });
    const parts: ModelStreamPart[] = [];
    const error = await (async () => {
      for await (const part of model.stream(request())) parts.push(part);
    })().catch((caught: unknown) => caught);
    expect(parts).toEqual([{ type: 'text-delta', delta: 'a ' }]);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ type: 'llm_error', retryable: true });
  });

  it('times out a stalled model', async () => {
    const { model } = modelFor([reply.stall(2_000), reply.stall(2_000)], { timeout: 300 });
    await expect(model.generate(request())).rejects.toMatchObject({ type: 'llm_timeout', retryable: true });
    await expect(collectStream(model.stream(request()))).rejects.toMatchObject({ type: 'llm_timeout' });
  });
});
