import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicError, anthropicEvents, anthropicMessage } from './anthropic.js';
import { geminiChunks, geminiError, geminiResponse } from './gemini.js';
import { openaiChunks, openaiCompletion, openaiError } from './openai.js';
import type { Turn } from './replies.js';

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
  /** Time from the request's arrival to the end of the answer (set when answered). */
  handledMs?: number;
}

export interface ScriptedModel {
  /** The model id the fake answers to. */
  id: string;
  /** `openai/<id>`: reached through the OpenAI adapter. */
  handle: string;
  /** `anthropic/<id>`: reached through the Anthropic adapter. */
  anthropicHandle: string;
  /** `google_ai/<id>`: reached through the Gemini adapter. */
  geminiHandle: string;
  /** Every request the fake received for this model, in order. */
  requests: RecordedRequest[];
  /** Queues more turns. */
  push(...turns: Turn[]): void;
  /** Turns not answered yet. */
  remaining(): number;
}

export interface FakeModelServer {
  /** Base URL with `/v1`, for OPENAI_BASE_URL / ANTHROPIC_BASE_URL. */
  baseURL: string;
  script(turns: Turn[], options?: { embeddingDimension?: number }): ScriptedModel;
  close(): Promise<void>;
}

type Protocol = 'openai' | 'anthropic' | 'gemini';

interface Script {
  model: ScriptedModel;
  turns: Turn[];
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => resolve(text));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** A deterministic unit vector from the text, so equal texts embed equally. */
function embed(text: string, dimension: number): number[] {
  const vector: number[] = [];
  for (let block = 0; vector.length < dimension; block++) {
    const digest = createHash('sha256').update(`${block}:${text}`).digest();
    for (let index = 0; index < digest.length && vector.length < dimension; index += 2) vector.push(digest.readInt16BE(index) / 32768);
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A scripted LLM on loopback speaking the real wire protocols: OpenAI chat completions (JSON or SSE),
 * Anthropic messages (JSON or SSE with named events), Gemini generateContent (JSON or SSE),
 * `/v1/embeddings` and the model lists.
 * Requests are routed to a script by their `model`; a request with no turn left gets a 500.
 */
export async function startFakeModelServer(): Promise<FakeModelServer> {
  const scripts = new Map<string, Script>();
  const dimensions = new Map<string, number>();
  let counter = 0;

  /** What one wire protocol needs from a request: the model, whether it streams, how to frame. */
  interface Exchange {
    protocol: Protocol;
    model: string;
    stream: boolean;
    promptChars: number;
    includeUsage: boolean;
  }

  function errorBody(protocol: Protocol, status: number, message: string) {
    return protocol === 'anthropic' ? anthropicError(status, message) : protocol === 'gemini' ? geminiError(status, message) : openaiError(status, message);
  }

  function frames(exchange: Exchange, turn: Extract<Turn, { kind: 'reply' }>): string[] {
    const { protocol, model, promptChars } = exchange;
    if (protocol === 'anthropic') return anthropicEvents(model, turn, promptChars).map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    if (protocol === 'gemini') return geminiChunks(model, turn, promptChars).map((data) => `data: ${JSON.stringify(data)}\r\n\r\n`);
    return [...openaiChunks(model, turn, promptChars, exchange.includeUsage).map((data) => `data: ${JSON.stringify(data)}\n\n`), 'data: [DONE]\n\n'];
  }

  async function answer(turn: Turn, response: ServerResponse, exchange: Exchange, chunkLimit = Infinity): Promise<void> {
    const { protocol, stream } = exchange;
    if (turn.kind === 'stall') {
      await delay(turn.ms);
      if (response.destroyed || !response.socket || response.socket.destroyed) return;
      return answer(turn.then, response, exchange, chunkLimit);
    }
    if (turn.kind === 'drop-after') return answer(turn.turn, response, exchange, turn.chunks);
    if (turn.kind === 'http-error') return sendJson(response, turn.status, errorBody(protocol, turn.status, turn.message));
    if (turn.kind === 'malformed') {
      response.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' });
      if (!stream) response.end('{"not": "a completion"');
      else if (protocol === 'anthropic') response.end('event: content_block_delta\ndata: {"type": "content_block_delta", this is not json\n\n');
      else response.end('data: {"choices": [ this is not json\n\n');
      return;
    }
    if (!stream) {
      const { model, promptChars } = exchange;
      return sendJson(response, 200, protocol === 'anthropic' ? anthropicMessage(model, turn, promptChars) : protocol === 'gemini' ? geminiResponse(model, turn, promptChars) : openaiCompletion(model, turn, promptChars));
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const all = frames(exchange, turn);
    if (all.length <= chunkLimit) {
      for (const frame of all) response.write(frame);
      response.end();
      return;
    }
    // Drop the connection mid-stream: after the first frames have reached the client.
    const sent = all.slice(0, chunkLimit);
    sent.forEach((frame, index) => response.write(frame, index === sent.length - 1 ? () => setTimeout(() => response.socket?.destroy(), 20) : undefined));
    if (!sent.length) response.socket?.destroy();
  }

  /** Which protocol a request speaks, from its path and headers; null for a path the fake does not serve. */
  function exchangeOf(path: string, query: string, headers: IncomingMessage['headers'], body: any): Exchange | null {
    const gemini = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(path);
    if (gemini) {
      const promptChars = JSON.stringify(body.contents ?? []).length + JSON.stringify(body.systemInstruction ?? '').length;
      return { protocol: 'gemini', model: decodeURIComponent(gemini[1]!), stream: gemini[2] === 'streamGenerateContent' && query.includes('alt=sse'), promptChars, includeUsage: true };
    }
    if (path !== '/v1/chat/completions' && path !== '/v1/messages') return null;
    const protocol: Protocol = path === '/v1/messages' || headers['anthropic-version'] ? 'anthropic' : 'openai';
    const promptChars = JSON.stringify(body.messages ?? []).length + JSON.stringify(body.system ?? '').length;
    return { protocol, model: body.model, stream: Boolean(body.stream), promptChars, includeUsage: Boolean(body.stream_options?.include_usage) };
  }

  function listModels(anthropic: boolean) {
    const ids = [...scripts.keys()];
    return anthropic
      ? { data: ids.map((id) => ({ id, type: 'model', display_name: id, created_at: new Date(0).toISOString() })), has_more: false, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null }
      : { object: 'list', data: ids.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })) };
  }

  const server = createServer(async (request, response) => {
    const arrived = performance.now();
    try {
      const [path = '', query = ''] = (request.url ?? '').split('?');
      const anthropic = Boolean(request.headers['anthropic-version']);
      if (request.method === 'GET' && path === '/v1/models') return sendJson(response, 200, listModels(anthropic));
      if (request.method === 'GET' && path === '/v1beta/models') return sendJson(response, 200, { models: [...scripts.keys()].map((id) => ({ name: `models/${id}`, displayName: id })) });
      const text = await readBody(request);
      const body = text ? JSON.parse(text) : {};
      if (path === '/v1/embeddings') {
        const inputs: string[] = Array.isArray(body.input) ? body.input : [body.input];
        const dimension = dimensions.get(body.model) ?? 8;
        return sendJson(response, 200, { object: 'list', model: body.model, data: inputs.map((input, index) => ({ object: 'embedding', index, embedding: embed(input, dimension) })), usage: { prompt_tokens: 0, total_tokens: 0 } });
      }
      const exchange = exchangeOf(path, query, request.headers, body);
      if (!exchange) return sendJson(response, 404, { error: { message: `the fake has no ${path}` } });
      const script = scripts.get(exchange.model);
      if (!script) return sendJson(response, 404, errorBody(exchange.protocol, 404, `The model ${exchange.model} does not exist`));
      const recorded: RecordedRequest = { path, headers: request.headers, body };
      script.model.requests.push(recorded);
      const turn = script.turns.shift();
      if (!turn) return sendJson(response, 500, errorBody(exchange.protocol, 500, `No scripted turn left for model ${exchange.model}`));
      await answer(turn, response, exchange);
      recorded.handledMs = performance.now() - arrived;
    } catch (error) {
      if (!response.headersSent) sendJson(response, 500, openaiError(500, `fake model server error: ${String(error)}`));
      else response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;

  return {
    baseURL,
    script(turns, options = {}) {
      counter += 1;
      const id = `fake-${counter}-${Math.random().toString(36).slice(2, 8)}`;
      const script: Script = {
        turns: [...turns],
        model: {
          id,
          handle: `openai/${id}`,
          anthropicHandle: `anthropic/${id}`,
          geminiHandle: `google_ai/${id}`,
          requests: [],
          push: (...more) => script.turns.push(...more),
          remaining: () => script.turns.length,
        },
      };
      scripts.set(id, script);
      if (options.embeddingDimension) dimensions.set(id, options.embeddingDimension);
      return script.model;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
