import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolFailure } from './memory.js';
import { fetchWebpage, htmlToText, webSearch } from './web.js';

describe('htmlToText', () => {
  it('keeps the readable text: scripts and styles dropped, blocks on their own lines, entities decoded', () => {
    const html = '<html><head><style>p{}</style><script>alert(1)</script></head><body><h1>Title</h1><p>Tea &amp; biscuits&#33;</p><ul><li>one</li><li>two</li></ul><!-- note --></body></html>';
    expect(htmlToText(html)).toBe('Title\nTea & biscuits!\n- one\n- two');
  });

  it('leaves a numeric entity past the last code point as written', () => {
    expect(htmlToText('<p>a &#99999999; b &#x110000; c &#x263A;</p>')).toBe('a &#99999999; b &#x110000; c ☺');
  });
});

describe('the web tools on a bad answer', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/dropped') {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.write('<p>the start');
        setTimeout(() => response.destroy(), 20);
      } else {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end('x'.repeat(2_000_000));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('fetch_webpage reports a page cut off mid-body as a tool failure', async () => {
    await expect(fetchWebpage({ url: `${base}/dropped` }, {})).rejects.toThrow(ToolFailure);
  });

  it('fetch_webpage keeps the start of a huge page', async () => {
    const text = await fetchWebpage({ url: `${base}/huge` }, {});
    expect(text).toMatch(/^x{50000}\n\[Page truncated at 50000 characters\]$/);
  });

  it('web_search reports an answer that is not JSON as a tool failure', async () => {
    const fetchHtml = (async () => new Response('<html>maintenance</html>', { status: 200 })) as typeof fetch;
    await expect(webSearch({ query: 'tea' }, { exaApiKey: 'k', fetch: fetchHtml })).rejects.toThrow('did not answer with JSON');
  });
});
