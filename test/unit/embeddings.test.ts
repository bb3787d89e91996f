import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EmbeddingError,
  EmbeddingRegistry,
  GoogleEmbedder,
  keepErrorBodies,
  OFFLINE_EMBEDDING_HANDLE,
  offlineEmbeddingConfig,
  OpenAICompatibleEmbedder,
  UseLiteEmbedder,
} from '../../src/embeddings/index.js';
import { googleApiRoot } from '../../src/providers/google/generate-content.js';

// ---------------------------------------------------------------------------------------------
// A fake embeddings server on loopback speaking OpenAI's `POST /v1/embeddings` and Gemini's
// `POST /v1beta/models/{model}:batchEmbedContents` (what @google/genai 2.32.0 calls for
// `models.embedContent` on the Gemini API, whatever the number of contents).

const FAKE_DIM = 8;

/** The fake's vector for a text: hashed, so every text has its own and order can be checked. */
function fakeVector(text: string): number[] {
  const digest = createHash('sha256').update(text).digest();
  return Array.from({ length: FAKE_DIM }, (_, i) => (digest[i] - 128) / 128);
}

interface FakeRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** The texts embedded by this request, in order. */
  texts: string[];
}

/** What the fake answers instead of vectors: a status, headers and a JSON (or raw) body. */
interface Fault {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Decides per request: a fault, or undefined for vectors. */
type Rule = (request: FakeRequest) => Fault | undefined;

class FakeEmbeddingServer {
  readonly requests: FakeRequest[] = [];
  private rules: Rule[] = [];
  private faults: Fault[] = [];

  private constructor(
    private readonly server: Server,
    readonly root: string,
  ) {}

  static async start(): Promise<FakeEmbeddingServer> {
    let fake!: FakeEmbeddingServer;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => fake.handle(req.url ?? '', req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new FakeEmbeddingServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return fake;
  }

  /** Clears recorded requests; `faults` answer the next requests in turn, `rules` every request. */
  reset(options: { faults?: Fault[]; rules?: Rule[] } = {}): void {
    this.requests.length = 0;
    this.faults = [...(options.faults ?? [])];
    this.rules = [...(options.rules ?? [])];
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(url: string, headers: IncomingHttpHeaders, raw: string, res: import('node:http').ServerResponse): void {
    const path = url.split('?')[0];
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const gemini = /^\/v1beta\/models\/([^/:]+):batchEmbedContents$/.exec(path);
    let texts: string[];
    if (path === '/v1/embeddings') texts = typeof body.input === 'string' ? [body.input] : (body.input as string[]);
    else if (gemini) texts = (body.requests as Array<{ content: { parts: Array<{ text: string }> } }>).map((request) => request.content.parts.map((part) => part.text).join(''));
    else return this.send(res, { status: 404, body: { error: { message: `no route ${path}` } } });
    const request: FakeRequest = { path, headers, body, texts };
    this.requests.push(request);
    const fault = this.faults.shift() ?? this.rules.map((rule) => rule(request)).find(Boolean);
    if (fault) return this.send(res, fault);
    if (gemini) return this.send(res, { status: 200, body: { embeddings: texts.map((text) => ({ values: fakeVector(text) })) } });
    const data = texts.map((text, index) => ({ object: 'embedding', index, embedding: fakeVector(text) }));
    // Shuffled, as the spec allows: the client must order by `index`.
    data.reverse();
    const tokens = texts.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
    this.send(res, { status: 200, body: { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } } });
  }

  private send(res: import('node:http').ServerResponse, fault: Fault): void {
    const text = typeof fault.body === 'string' ? fault.body : JSON.stringify(fault.body);
    res.writeHead(fault.status, { 'content-type': typeof fault.body === 'string' ? 'text/plain' : 'application/json', ...fault.headers });
    res.end(text);
  }
}

// Wire-format errors as the providers send them.
const openaiError = (status: number, message: string, type = 'invalid_request_error', headers?: Record<string, string>): Fault => ({
  status,
  headers,
  body: { error: { message, type, param: null, code: null } },
});
const geminiError = (code: number, status: string, message: string, details: unknown[] = []): Fault => ({ status: code, body: { error: { code, message, status, details } } });

function texts(count: number, prefix = 'text'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix} ${i}`);
}

async function rejection(promise: Promise<unknown>): Promise<EmbeddingError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(EmbeddingError);
  return error as EmbeddingError;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

const norm = (vector: Float32Array) => Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));

let fake: FakeEmbeddingServer;
beforeAll(async () => {
  fake = await FakeEmbeddingServer.start();
});
afterAll(async () => fake?.close());

// ---------------------------------------------------------------------------------------------

describe('UseLiteEmbedder (offline mnemo/use-lite-512)', () => {
  const embedder = new UseLiteEmbedder();
  afterAll(() => embedder.close());

  it('loads the bundled weights lazily and returns 512-dimensional unit vectors', async () => {
    expect(embedder.handle).toBe(OFFLINE_EMBEDDING_HANDLE);
    expect(embedder.dimension).toBe(512);
    const [vector] = await embedder.embed(['The user owns two cats and a dog.']);
    expect(vector).toBeInstanceOf(Float32Array);
    expect(vector.length).toBe(512);
    expect(norm(vector)).toBeCloseTo(1, 4);
    // Its own buffer, not a view on a shared one.
    expect(vector.buffer.byteLength).toBe(512 * 4);
  });

  it('ranks a paraphrase above unrelated sentences', async () => {
    const [query, ...passages] = await embedder.embed([
      'What pets does the user have?',
      'The user owns two cats and a dog.',
      'The quarterly revenue grew by 4 percent.',
      'Paris is the capital of France.',
    ]);
    const [pets, revenue, paris] = passages.map((passage) => cosine(query, passage));
    expect(pets).toBeGreaterThan(revenue + 0.1);
    expect(pets).toBeGreaterThan(paris + 0.1);
  });

  it('returns a batch of 100 in order, each as if embedded alone', async () => {
    const inputs = Array.from({ length: 100 }, (_, i) => `Note ${i}: the user mentioned item number ${i * 7} while talking about ${i % 2 ? 'gardening' : 'chess'}.`);
    const vectors = await embedder.embed(inputs);
    expect(vectors).toHaveLength(100);
    // Both sides of the 64-text message boundary, and a spread in between.
    for (const i of [0, 1, 13, 37, 62, 63, 64, 65, 88, 99]) {
      const [alone] = await embedder.embed([inputs[i]]);
      const difference = Math.max(...vectors[i].map((value, d) => Math.abs(value - alone[d])));
      expect(difference, `text ${i}`).toBeLessThan(1e-4);
    }
  });

  it('gives empty texts a vector too, keeping the order', async () => {
    const vectors = await embedder.embed(['first', '', 'third']);
    expect(vectors).toHaveLength(3);
    const [first, third] = await embedder.embed(['first', 'third']);
    expect(cosine(vectors[0], first)).toBeCloseTo(1, 4);
    expect(cosine(vectors[2], third)).toBeCloseTo(1, 4);
  });

  it('keeps the event loop free while it embeds', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      await embedder.embed(texts(128, 'a longer sentence about the weather and the sea, number'));
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThanOrEqual(3);
  });

  it('rejects with the signal reason when aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(embedder.embed(['x'], controller.signal)).rejects.toThrow('stop');
  });

  // Needs unprivileged user namespaces; skipped where `unshare -rn` is not allowed.
  const noNetwork = spawnSync('unshare', ['-rn', 'true']).status === 0;
  it.skipIf(!noNetwork)('loads and embeds with no network at all', () => {
    const module = fileURLToPath(new URL('../../src/embeddings/offline/use-lite.ts', import.meta.url));
    const script = `const { UseLiteEmbedder } = await import(${JSON.stringify(module)});
      const embedder = new UseLiteEmbedder();
      const [vector] = await embedder.embed(['no network here']);
      console.log('dimension=' + vector.length);
      await embedder.close();`;
    const child = spawnSync('unshare', ['-rn', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(child.stderr).not.toMatch(/Error/);
    expect(child.stdout).toContain('dimension=512');
  });
});

// ---------------------------------------------------------------------------------------------

describe('OpenAICompatibleEmbedder against a fake /v1/embeddings', () => {
  function embedderWith(options: Partial<ConstructorParameters<typeof OpenAICompatibleEmbedder>[0]> = {}, apiKey = 'sk-test') {
    const client = new OpenAI({ apiKey, baseURL: `${fake.root}/v1`, maxRetries: 0, timeout: 5_000, fetch: keepErrorBodies() });
    return new OpenAICompatibleEmbedder({ provider: 'openai', model: 'text-embedding-3-small', client, retryBaseDelayMs: 5, ...options });
  }

  it('splits by batchSize, keeps the order and learns the dimension', async () => {
    fake.reset();
    const embedder = embedderWith({ batchSize: 4 });
    expect(embedder.handle).toBe('openai/text-embedding-3-small');
    expect(embedder.dimension).toBeNull();
    const inputs = texts(10);
    const vectors = await embedder.embed(inputs);
    expect(fake.requests.map((request) => request.texts.length)).toEqual([4, 4, 2]);
    expect(fake.requests[0].body).toMatchObject({ model: 'text-embedding-3-small', encoding_format: 'float' });
    expect(fake.requests[0].headers.authorization).toBe('Bearer sk-test');
    expect(vectors.map((vector) => Array.from(vector))).toEqual(inputs.map((text) => Array.from(Float32Array.from(fakeVector(text)))));
    expect(embedder.dimension).toBe(FAKE_DIM);
  });

  it('keeps each request within the character budget; a longer text goes alone', async () => {
    fake.reset();
    const embedder = embedderWith({ batchSize: 32, maxBatchChars: 20 });
    await embedder.embed(['aaaaaaaa', 'bbbbbbbb', 'cccccccc', 'x'.repeat(50), 'dddd']);
    expect(fake.requests.map((request) => request.texts.length)).toEqual([2, 1, 1, 1]);
  });

  it('sends nothing for no texts', async () => {
    fake.reset();
    expect(await embedderWith().embed([])).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it('halves a batch the provider refuses as too large until it passes', async () => {
    const tooMany: Rule = (request) =>
      request.texts.length > 2 ? openaiError(400, "This model's maximum context length is 8192 tokens, however you requested 9120 tokens. Please reduce your prompt.") : undefined;
    fake.reset({ rules: [tooMany] });
    const inputs = texts(8);
    const vectors = await embedderWith({ batchSize: 8 }).embed(inputs);
    expect(fake.requests.map((request) => request.texts.length)).toEqual([8, 4, 2, 2, 4, 2, 2]);
    expect(vectors.map((vector) => vector[0])).toEqual(inputs.map((text) => Math.fround(fakeVector(text)[0])));
  });

  it('halves on 413 too, and gives up at one text with bad_request', async () => {
    fake.reset({ rules: [() => ({ status: 413, body: 'Request Entity Too Large' })] });
    const error = await rejection(embedderWith({ batchSize: 4 }).embed(texts(2)));
    expect(error.kind).toBe('bad_request');
    expect(error.status).toBe(413);
    expect(fake.requests.map((request) => request.texts.length)).toEqual([2, 1]);
  });

  it('retries a 429 after backing off, then succeeds', async () => {
    fake.reset({ faults: [openaiError(429, 'Rate limit reached for text-embedding-3-small', 'requests', { 'retry-after-ms': '10' })] });
    const vectors = await embedderWith().embed(['hello']);
    expect(vectors).toHaveLength(1);
    expect(fake.requests).toHaveLength(2);
  });

  it('retries 5xx a limited number of times, then fails with kind provider', async () => {
    fake.reset({ rules: [() => openaiError(503, 'The server is overloaded', 'server_error')] });
    const error = await rejection(embedderWith({ maxRetries: 2 }).embed(['hello']));
    expect(error.kind).toBe('provider');
    expect(error.status).toBe(503);
    expect(error.message).toContain('The server is overloaded');
    expect(fake.requests).toHaveLength(3);
  });

  it('maps a 401 to kind auth with the provider message, without retrying', async () => {
    fake.reset({ faults: [openaiError(401, 'Incorrect API key provided: sk-bad.', 'invalid_request_error')] });
    const error = await rejection(embedderWith({}, 'sk-bad').embed(['hello']));
    expect(error.kind).toBe('auth');
    expect(error.status).toBe(401);
    expect(error.message).toBe('openai: Incorrect API key provided: sk-bad.');
    expect(fake.requests).toHaveLength(1);
  });

  it('keeps the message of servers that do not nest it under "error"', async () => {
    // Mistral's shape; Ollama sends {"error": "<text>"}.
    fake.reset({
      faults: [{ status: 400, body: { object: 'error', message: 'Too many tokens in batch. Max is 16384 got 20000', type: 'invalid_request_message_error', param: null, code: null } }],
    });
    const vectors = await embedderWith().embed(['a', 'b']);
    expect(vectors).toHaveLength(2);
    expect(fake.requests.map((request) => request.texts.length)).toEqual([2, 1, 1]);
    fake.reset({ faults: [{ status: 404, body: { error: 'model "nomic-embed-text" not found, try pulling it first' } }] });
    const error = await rejection(embedderWith().embed(['c']));
    expect(error).toMatchObject({ kind: 'bad_request', status: 404, message: 'openai: model "nomic-embed-text" not found, try pulling it first' });
  });

  it('maps an unreachable server to kind unavailable', async () => {
    const client = new OpenAI({ apiKey: 'x', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0, timeout: 2_000 });
    const embedder = new OpenAICompatibleEmbedder({ provider: 'ollama', model: 'm', client, maxRetries: 1, retryBaseDelayMs: 1 });
    expect((await rejection(embedder.embed(['x']))).kind).toBe('unavailable');
  });

  it('refuses a response whose vectors change dimension', async () => {
    fake.reset();
    const embedder = embedderWith();
    await embedder.embed(['a']);
    fake.reset({ faults: [{ status: 200, body: { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [1, 2, 3] }], model: 'm', usage: {} } }] });
    const error = await rejection(embedder.embed(['b']));
    expect(error.kind).toBe('provider');
    expect(embedder.dimension).toBe(FAKE_DIM);
  });
});

// ---------------------------------------------------------------------------------------------

describe('GoogleEmbedder against a fake Gemini API', () => {
  function embedderWith(options: Partial<ConstructorParameters<typeof GoogleEmbedder>[0]> = {}) {
    const client = new GoogleGenAI({ apiKey: 'gemini-test', httpOptions: { baseUrl: googleApiRoot(`${fake.root}/v1beta`), timeout: 5_000 } });
    return new GoogleEmbedder({ provider: 'google_ai', model: 'gemini-embedding-001', client, retryBaseDelayMs: 5, ...options });
  }

  it('calls batchEmbedContents, one content per text, split by batchSize', async () => {
    fake.reset();
    const embedder = embedderWith({ batchSize: 3 });
    expect(embedder.dimension).toBeNull();
    const inputs = texts(7);
    const vectors = await embedder.embed(inputs);
    expect(fake.requests.map((request) => request.path)).toEqual(Array(3).fill('/v1beta/models/gemini-embedding-001:batchEmbedContents'));
    expect(fake.requests.map((request) => request.texts.length)).toEqual([3, 3, 1]);
    expect(fake.requests[0].headers['x-goog-api-key']).toBe('gemini-test');
    expect(fake.requests[0].body.requests).toEqual(
      inputs.slice(0, 3).map((text) => ({ model: 'models/gemini-embedding-001', content: { role: 'user', parts: [{ text }] } })),
    );
    expect(vectors.map((vector) => vector[1])).toEqual(inputs.map((text) => Math.fround(fakeVector(text)[1])));
    expect(embedder.dimension).toBe(FAKE_DIM);
  });

  it('keeps texts apart for gemini-embedding-2 models too', async () => {
    fake.reset();
    const vectors = await embedderWith({ model: 'gemini-embedding-2-preview' }).embed(['one', 'two']);
    expect(vectors).toHaveLength(2);
    expect(fake.requests[0].texts).toEqual(['one', 'two']);
  });

  it('halves a batch over the provider limit', async () => {
    fake.reset({
      rules: [(request) => (request.texts.length > 2 ? geminiError(400, 'INVALID_ARGUMENT', '* BatchEmbedContentsRequest.requests: at most 2 requests can be in one batch\n') : undefined)],
    });
    const vectors = await embedderWith({ batchSize: 5 }).embed(texts(5));
    expect(vectors).toHaveLength(5);
    expect(fake.requests.map((request) => request.texts.length)).toEqual([5, 3, 2, 1, 2]);
  });

  it('retries a 429 after the RetryInfo delay, then succeeds', async () => {
    fake.reset({
      faults: [geminiError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded', [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0.02s' }])],
    });
    expect(await embedderWith().embed(['hello'])).toHaveLength(1);
    expect(fake.requests).toHaveLength(2);
  });

  it('maps a wrong key (400 API_KEY_INVALID) and a 403 to kind auth', async () => {
    fake.reset({
      faults: [
        geminiError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
        ]),
        geminiError(403, 'PERMISSION_DENIED', 'Method doesn\'t allow unregistered callers.'),
      ],
    });
    const wrongKey = await rejection(embedderWith().embed(['x']));
    expect(wrongKey).toMatchObject({ kind: 'auth', status: 400, message: 'google_ai: API key not valid. Please pass a valid API key.' });
    const denied = await rejection(embedderWith().embed(['x']));
    expect(denied).toMatchObject({ kind: 'auth', status: 403 });
    expect(fake.requests).toHaveLength(2);
  });

  it('maps a 401 to kind auth with the provider message', async () => {
    fake.reset({ faults: [geminiError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.')] });
    const error = await rejection(embedderWith().embed(['x']));
    expect(error).toMatchObject({ kind: 'auth', status: 401, message: 'google_ai: Request had invalid authentication credentials.' });
  });
});

// ---------------------------------------------------------------------------------------------

describe('EmbeddingRegistry', () => {
  const unconfigured = new EmbeddingRegistry({});
  afterAll(() => unconfigured.close());

  it.each([
    ['openai/text-embedding-3-small', 'OPENAI_API_KEY'],
    ['ollama/nomic-embed-text', 'OLLAMA_BASE_URL'],
    ['google_ai/gemini-embedding-001', 'GEMINI_API_KEY'],
  ])('refuses %s when its provider is not configured, naming %s', (handle, variable) => {
    let error: unknown;
    try {
      unconfigured.embedderFor({ handle });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EmbeddingError);
    expect((error as EmbeddingError).kind).toBe('unavailable');
    expect((error as EmbeddingError).message).toContain(variable);
  });

  it('refuses an unknown provider and a config without a model', () => {
    expect(() => unconfigured.embedderFor({ handle: 'acme/embed-1' })).toThrow(/no embedding provider "acme"/);
    expect(() => unconfigured.embedderFor({})).toThrow(EmbeddingError);
  });

  it('resolves the offline handle, by handle or endpoint type, to one shared embedder', async () => {
    const config = offlineEmbeddingConfig();
    expect(config).toEqual({
      embedding_endpoint_type: 'mnemo',
      embedding_endpoint: null,
      embedding_model: 'use-lite-512',
      embedding_dim: 512,
      embedding_chunk_size: 300,
      handle: 'mnemo/use-lite-512',
      batch_size: 32,
      azure_endpoint: null,
      azure_version: null,
      azure_deployment: null,
    });
    const embedder = unconfigured.embedderFor(config);
    expect(embedder).toBeInstanceOf(UseLiteEmbedder);
    expect(unconfigured.embedderFor({ handle: OFFLINE_EMBEDDING_HANDLE })).toBe(embedder);
    expect(unconfigured.embedderFor({ embedding_endpoint_type: 'offline', embedding_model: 'use-lite-512' })).toBe(embedder);
    expect(embedder.dimension).toBe(512);
    expect((await embedder.embed(['hello']))[0]).toHaveLength(512);
    expect(() => unconfigured.embedderFor({ handle: 'mnemo/bge-small' })).toThrow(EmbeddingError);
  });

  it('builds OpenAI, Ollama and Google embedders from the settings, cached per handle', async () => {
    const registry = new EmbeddingRegistry(
      { openai: { apiKey: 'sk-settings', baseURL: `${fake.root}/v1` }, ollama: { baseURL: fake.root }, google: { apiKey: 'g-settings', baseURL: `${fake.root}/v1beta` } },
      { batching: { retryBaseDelayMs: 5 } },
    );
    fake.reset();
    const openai = registry.embedderFor({ handle: 'openai/text-embedding-3-small', embedding_endpoint: 'https://api.openai.com/v1', batch_size: 2 });
    expect(registry.embedderFor({ embedding_endpoint_type: 'openai', embedding_model: 'text-embedding-3-small', batch_size: 2 })).toBe(openai);
    await openai.embed(texts(3));
    expect(fake.requests.map((request) => [request.path, request.texts.length, request.headers.authorization])).toEqual([
      ['/v1/embeddings', 2, 'Bearer sk-settings'],
      ['/v1/embeddings', 1, 'Bearer sk-settings'],
    ]);

    fake.reset();
    const ollama = registry.embedderFor({ handle: 'ollama/nomic-embed-text' });
    expect(ollama.handle).toBe('ollama/nomic-embed-text');
    await ollama.embed(['hi']);
    expect(fake.requests[0]).toMatchObject({ path: '/v1/embeddings', body: { model: 'nomic-embed-text' } });

    fake.reset();
    const google = registry.embedderFor({ handle: 'google_ai/gemini-embedding-001' });
    await google.embed(['hi']);
    expect(fake.requests[0]).toMatchObject({ path: '/v1beta/models/gemini-embedding-001:batchEmbedContents', headers: { 'x-goog-api-key': 'g-settings' } });
    expect(google.dimension).toBe(FAKE_DIM);
  });

  it('sends a config\'s own OpenAI-compatible endpoint no configured key', async () => {
    const registry = new EmbeddingRegistry({ openai: { apiKey: 'sk-secret' } });
    fake.reset();
    const embedder = registry.embedderFor({ handle: 'openai/local-model', embedding_endpoint: `${fake.root}/v1/` });
    await embedder.embed(['x']);
    expect(fake.requests[0].headers.authorization).toBe('Bearer none');
  });
});
