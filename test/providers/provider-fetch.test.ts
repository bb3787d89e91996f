import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviderFetch } from '../../src/providers/provider-fetch.js';

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

/** A loopback server whose next answer each test sets; it counts the connections it was opened. */
describe('createProviderFetch', () => {
  let server: Server;
  let base: string;
  let handle: Handler = (_request, _body, response) => response.end();
  let connections = 0;
  const providerFetch = createProviderFetch();

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => handle(request, body, response));
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the method, headers and body, and answers with status, headers and body, over one kept-alive connection', async () => {
    const seen: { method?: string; headers?: IncomingMessage['headers']; body?: string }[] = [];
    handle = (request, body, response) => {
      seen.push({ method: request.method, headers: request.headers, body });
      response.writeHead(418, { 'content-type': 'application/json', 'x-request-id': 'req-1' }).end('{"error":{"message":"short and stout"}}');
    };
    const before = connections;
    for (let i = 0; i < 2; i++) {
      const response = await providerFetch(`${base}/v1/chat/completions`, {
        method: 'POST',
        headers: new Headers({ authorization: 'Bearer k', 'content-type': 'application/json', 'accept-encoding': 'gzip' }),
        body: JSON.stringify({ turn: i }),
      });
      expect(response.status).toBe(418);
      expect(response.headers.get('x-request-id')).toBe('req-1');
      expect(await response.json()).toEqual({ error: { message: 'short and stout' } });
      // The connection goes back to the pool a moment after its body has been read.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(seen.map(({ method, body }) => [method, body])).toEqual([
      ['POST', '{"turn":0}'],
      ['POST', '{"turn":1}'],
    ]);
    expect(seen[0]!.headers).toMatchObject({ authorization: 'Bearer k', 'content-type': 'application/json' });
    // Bodies are passed on as they come, so none is asked for compressed.
    expect(seen[0]!.headers!['accept-encoding']).toBeUndefined();
    expect(connections - before).toBe(1);
  });

  it('hands over an event stream as it arrives, not once it ends', async () => {
    let finish = () => {};
    handle = (_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: {"n":1}\n\n');
      finish = () => response.end('data: [DONE]\n\n');
    };
    const response = await providerFetch(`${base}/stream`, { method: 'POST', body: '{}' });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    expect(decoder.decode((await reader.read()).value)).toBe('data: {"n":1}\n\n');
    finish();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += decoder.decode(chunk.value);
    expect(rest).toBe('data: [DONE]\n\n');
  });

  it('gives a bodiless status no body', async () => {
    handle = (_request, _body, response) => response.writeHead(204).end();
    const response = await providerFetch(`${base}/nothing`, { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it('rejects with an AbortError when the caller aborts, before the answer and in the middle of a stream', async () => {
    handle = () => {};
    const early = new AbortController();
    const waiting = providerFetch(`${base}/slow`, { method: 'POST', body: '{}', signal: early.signal });
    setTimeout(() => early.abort(), 50);
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });

    handle = (_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: {"n":1}\n\n');
    };
    const midway = new AbortController();
    const response = await providerFetch(`${base}/stream`, { method: 'POST', body: '{}', signal: midway.signal });
    const reader = response.body!.getReader();
    await reader.read();
    midway.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('leaves what it does not handle itself (a form body) to the global fetch', async () => {
    let received = { type: '', body: '' };
    handle = (request, body, response) => {
      received = { type: String(request.headers['content-type']), body };
      response.end('ok');
    };
    const form = new FormData();
    form.set('purpose', 'fine-tune');
    const response = await providerFetch(`${base}/upload`, { method: 'POST', body: form });
    expect(await response.text()).toBe('ok');
    expect(received.type).toMatch(/^multipart\/form-data; boundary=/);
    expect(received.body).toContain('fine-tune');
  });
});
