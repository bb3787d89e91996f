import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { ProviderError } from '../../src/providers/errors.js';
import { createGoogleClient, GeminiModel } from '../../src/providers/google/generate-content.js';
import { collectStream, type ModelRequest, type ModelStreamPart } from '../../src/providers/model-client.js';
import { createProviderFetch } from '../../src/providers/provider-fetch.js';
import { reply, startFakeModelServer, type FakeModelServer, type Turn } from '../support/fake-model/index.js';

const TOOLS = [{ name: 'memory_insert', description: 'Insert text', parameters: { type: 'object', properties: { label: { type: 'string' } }, required: ['label'] } }];

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return { system: 'You are terse.', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], tools: TOOLS, settings: {}, ...overrides };
}

async function partsOf(stream: AsyncIterable<ModelStreamPart>): Promise<ModelStreamPart[]> {
  const parts: ModelStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

async function* replay(parts: ModelStreamPart[]): AsyncIterable<ModelStreamPart> {
  yield* parts;
}

describe('GeminiModel against the fake Gemini API', () => {
  let fake: FakeModelServer;
  beforeAll(async () => {
    fake = await startFakeModelServer();
  });
  afterAll(async () => fake?.close());

  // The fetch the server gives the SDK.
  const providerFetch = createProviderFetch();

  function modelFor(turns: Turn[], options: { timeout?: number } = {}) {
    const scripted = fake.script(turns);
    const client = createGoogleClient({ apiKey: 'test-key', baseURL: fake.baseURL }, { timeoutMs: options.timeout ?? 10_000, fetch: providerFetch });
    return { scripted, model: new GeminiModel(scripted.id, { provider: 'google_ai', client }) };
  }

  it('sends the system instruction, function declarations, settings and alternating turns', async () => {
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
              { id: 'call_1', name: 'memory_insert', arguments: '{"label":"human"}' },
              { id: 'gemini-call-7-x', name: 'memory_insert', arguments: '{not json' },
            ],
          },
          { role: 'tool', toolCallId: 'call_1', toolName: 'memory_insert', content: '{"status":"OK"}' },
          { role: 'tool', toolCallId: 'gemini-call-7-x', toolName: 'memory_insert', content: 'bad arguments', isError: true },
          { role: 'user', content: [{ type: 'text', text: 'thanks' }] },
        ],
        settings: { maxOutputTokens: 99, temperature: 0.2, parallelToolCalls: false, responseFormat: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } } },
        toolChoice: { name: 'memory_insert' },
      }),
    );
    const { body, path, headers } = scripted.requests[0]!;
    expect(path).toBe(`/v1beta/models/${scripted.id}:generateContent`);
    expect(headers['x-goog-api-key']).toBe('test-key');
    expect(body.systemInstruction).toMatchObject({ parts: [{ text: 'You are terse.' }] });
    expect(body.generationConfig).toMatchObject({ temperature: 0.2, maxOutputTokens: 99, responseMimeType: 'application/json', responseJsonSchema: { type: 'object' } });
    expect(body.tools).toEqual([{ functionDeclarations: [{ name: 'memory_insert', description: 'Insert text', parametersJsonSchema: TOOLS[0]!.parameters }] }]);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['memory_insert'] } });
    expect(response.warnings).toEqual([expect.stringContaining('parallel')]);
    expect(body.contents.map((content: { role: string }) => content.role)).toEqual(['user', 'model', 'user']);
    expect(body.contents[0].parts).toEqual([{ text: 'hi' }, { inlineData: { mimeType: 'image/png', data: 'AAAA' } }, { fileData: { fileUri: 'https://example.com/cat.png', mimeType: 'image/png' } }]);
    // An id Gemini never sent is not sent back.
    expect(body.contents[1].parts).toEqual([
      { text: 'Saving both.' },
      { functionCall: { id: 'call_1', name: 'memory_insert', args: { label: 'human' } } },
      { functionCall: { name: 'memory_insert', args: {} } },
    ]);
    expect(body.contents[2].parts).toEqual([
      { functionResponse: { id: 'call_1', name: 'memory_insert', response: { output: '{"status":"OK"}' } } },
      { functionResponse: { name: 'memory_insert', response: { error: 'bad arguments' } } },
      { text: 'thanks' },
    ]);
  });

  it('asks for thoughts with a budget or a level', async () => {
    const { scripted, model } = modelFor([reply.text('ok'), reply.text('ok')]);
    await model.generate(request({ settings: { thinkingBudgetTokens: 2048 } }));
    await model.generate(request({ settings: { reasoningEffort: 'low' }, toolChoice: 'none' }));
    expect(scripted.requests[0]!.body.generationConfig.thinkingConfig).toEqual({ thinkingBudget: 2048, includeThoughts: true });
    expect(scripted.requests[1]!.body.generationConfig.thinkingConfig).toEqual({ thinkingLevel: 'LOW', includeThoughts: true });
    expect(scripted.requests[1]!.body.toolConfig).toEqual({ functionCallingConfig: { mode: 'NONE' } });
  });

  it('generates and streams the same text reply', async () => {
    const { scripted, model } = modelFor([reply.text('Hello there, friend.'), reply.text('Hello there, friend.')]);
    const whole = await model.generate(request());
    const parts = await partsOf(model.stream(request()));
    expect(scripted.requests[1]!.path).toBe(`/v1beta/models/${scripted.id}:streamGenerateContent`);
    expect(parts.filter((part) => part.type === 'text-delta').map((part) => part.delta)).toEqual(['Hello ', 'there, ', 'friend.']);
    expect(await collectStream(replay(parts))).toEqual(whole);
    expect(whole).toMatchObject({ text: 'Hello there, friend.', reasoning: [], toolCalls: [], finishReason: { unified: 'stop', raw: 'STOP' }, warnings: [] });
    expect(whole.usage.inputTokens).toBeGreaterThan(0);
    expect(whole.usage.outputTokens).toBeGreaterThan(0);
  });

  it('reports a length stop', async () => {
    const { model } = modelFor([reply.text('one two three', { finish: 'length' })]);
    expect((await collectStream(model.stream(request()))).finishReason).toEqual({ unified: 'length', raw: 'MAX_TOKENS' });
  });

  it('returns parallel function calls as tool calls', async () => {
    const two = reply.toolCalls([
      { name: 'memory_insert', args: { label: 'human', new_string: 'likes tea' }, id: 'fc_b' },
      { name: 'memory_insert', args: { label: 'persona', new_string: 'calm' }, id: 'fc_c' },
    ]);
    const { model } = modelFor([two, two]);
    const whole = await model.generate(request());
    const parts = await partsOf(model.stream(request()));
    expect(parts.filter((part) => part.type === 'tool-call-start')).toEqual([
      { type: 'tool-call-start', index: 0, id: 'fc_b', name: 'memory_insert' },
      { type: 'tool-call-start', index: 1, id: 'fc_c', name: 'memory_insert' },
    ]);
    expect(await collectStream(replay(parts))).toEqual(whole);
    expect(whole.finishReason).toEqual({ unified: 'tool-calls', raw: 'STOP' });
    expect(whole.toolCalls.map((call) => [call.id, JSON.parse(call.arguments).label])).toEqual([['fc_b', 'human'], ['fc_c', 'persona']]);
  });

  it('returns thoughts and sends the thought signature back on the function call', async () => {
    const turn = reply.reasoning('The user wants tea noted.', reply.toolCall('memory_insert', { label: 'human' }, { id: 'fc_r' }), 'sig-gem');
    const { scripted, model } = modelFor([turn, turn, reply.text('Done.')]);
    const whole = await model.generate(request({ settings: { thinkingBudgetTokens: 1024 } }));
    const parts = await partsOf(model.stream(request({ settings: { thinkingBudgetTokens: 1024 } })));
    expect(parts.filter((part) => part.type === 'reasoning-delta').map((part) => part.delta).join('')).toBe('The user wants tea noted.');
    expect(parts.find((part) => part.type === 'reasoning-end')).toEqual({ type: 'reasoning-end', signature: 'sig-gem' });
    expect(await collectStream(replay(parts))).toEqual(whole);
    expect(whole.reasoning).toEqual([{ text: 'The user wants tea noted.', signature: 'sig-gem' }]);

    await model.generate(
      request({
        messages: [
          ...request().messages,
          { role: 'assistant', text: whole.text, reasoning: whole.reasoning, toolCalls: whole.toolCalls },
          { role: 'tool', toolCallId: 'fc_r', toolName: 'memory_insert', content: 'OK' },
        ],
      }),
    );
    expect(scripted.requests[2]!.body.contents[1]).toEqual({
      role: 'model',
      parts: [{ functionCall: { id: 'fc_r', name: 'memory_insert', args: { label: 'human' } }, thoughtSignature: 'sig-gem' }],
    });
  });

  it.each([
    [429, 'Resource has been exhausted', 'llm_rate_limit', true],
    [403, 'API key not valid', 'llm_authentication', false],
    [400, 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).', 'llm_context_window_exceeded', false],
    [400, 'Invalid JSON payload received.', 'llm_bad_request', false],
    [503, 'The model is overloaded.', 'llm_error', true],
  ] as const)('maps HTTP %i to %s with the provider message', async (status, message, type, retryable) => {
    const { model } = modelFor([reply.httpError(status, message), reply.httpError(status, message)]);
    for (const call of [() => model.generate(request()), () => collectStream(model.stream(request()))]) {
      const error = await call().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ type, retryable, providerStatus: status });
      expect((error as Error).message).toBe(`google_ai: ${message}`);
    }
  });

  it('fails a dropped stream instead of hanging', async () => {
    const { model } = modelFor([reply.dropAfter(2, reply.text('a b c d e f g'))]);
    const error = await collectStream(model.stream(request())).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ type: 'llm_error', retryable: true });
  });

  it('times out a stalled model', async () => {
    const { model } = modelFor([reply.stall(2_000), reply.stall(2_000)], { timeout: 300 });
    await expect(model.generate(request())).rejects.toMatchObject({ type: 'llm_timeout', retryable: true });
    await expect(collectStream(model.stream(request()))).rejects.toMatchObject({ type: 'llm_timeout' });
  });
});
