import { ToolFailure } from './memory.js';

/**
 * The web tools, `web_search` (through Exa, as Letta does) and `fetch_webpage`. Without a search
 * key or without network they fail with a message the model reads; they never fail the step.
 */
export interface WebToolOptions {
  /** Exa's API key (`EXA_API_KEY`); web_search refuses without one. */
  exaApiKey?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const EXA_SEARCH_URL = 'https://api.exa.ai/search';
const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_RESULTS = 25;
const RESULT_TEXT_CHARS = 2_000;
const PAGE_TEXT_CHARS = 50_000;

interface ExaResult {
  title?: string | null;
  url?: string;
  publishedDate?: string | null;
  author?: string | null;
  text?: string | null;
}

export async function webSearch(args: Record<string, unknown>, options: WebToolOptions): Promise<string> {
  const query = typeof args.query === 'string' ? args.query.trim() : '';
  if (!query) throw new ToolFailure('query must be the text to search the web for');
  if (!options.exaApiKey) {
    throw new ToolFailure('web_search is not configured on this server: set EXA_API_KEY to an Exa API key to enable it');
  }
  const numResults = Math.min(Math.max(Math.trunc(Number(args.num_results ?? 10)) || 10, 1), MAX_RESULTS);
  const response = await request(
    EXA_SEARCH_URL,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': options.exaApiKey },
      body: JSON.stringify({ query, numResults, contents: { text: { maxCharacters: RESULT_TEXT_CHARS } } }),
    },
    options,
    'web_search',
  );
  if (!response.ok) throw new ToolFailure(`web_search failed: the search service answered ${response.status} ${await snippet(response)}`);
  let body: { results?: ExaResult[] };
  try {
    body = JSON.parse(await readText(response, Infinity, 'web_search')) as { results?: ExaResult[] };
  } catch (error) {
    if (error instanceof ToolFailure) throw error;
    throw new ToolFailure('web_search failed: the search service did not answer with JSON');
  }
  const results = (body.results ?? []).map((result) => ({
    title: result.title ?? null,
    url: result.url ?? null,
    published_date: result.publishedDate ?? null,
    author: result.author ?? null,
    text: result.text ?? null,
  }));
  return results.length ? JSON.stringify({ query, results }) : `No web results for "${query}".`;
}

export async function fetchWebpage(args: Record<string, unknown>, options: WebToolOptions): Promise<string> {
  const address = typeof args.url === 'string' ? args.url.trim() : '';
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new ToolFailure(`url must be an absolute http(s) address, got "${address}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ToolFailure(`url must use http or https, not ${url.protocol}`);
  const response = await request(url.href, { headers: { accept: 'text/html, text/plain;q=0.9, */*;q=0.5' } }, options, 'fetch_webpage');
  if (!response.ok) throw new ToolFailure(`fetch_webpage: ${url.href} answered ${response.status} ${response.statusText}`.trim());
  const type = response.headers.get('content-type') ?? '';
  // Enough of the page for PAGE_TEXT_CHARS of text even after its markup is dropped; the rest is not read.
  const body = await readText(response, PAGE_TEXT_CHARS * 8, 'fetch_webpage');
  const text = type.includes('html') ? htmlToText(body) : body;
  return text.length > PAGE_TEXT_CHARS ? `${text.slice(0, PAGE_TEXT_CHARS)}\n[Page truncated at ${PAGE_TEXT_CHARS} characters]` : text;
}

/** One HTTP call with a timeout; a network failure becomes a ToolFailure naming the cause. */
async function request(url: string, init: RequestInit, options: WebToolOptions, tool: string): Promise<Response> {
  const doFetch = options.fetch ?? fetch;
  try {
    return await doFetch(url, { ...init, redirect: 'follow', signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS) });
  } catch (error) {
    const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw new ToolFailure(`${tool} could not reach ${new URL(url).host}: ${cause}`);
  }
}

/** The body's text, at most about `maxBytes` of it; a body cut off (a timeout, a dropped connection) is a ToolFailure. */
async function readText(response: Response, maxBytes: number, tool: string): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      text += decoder.decode(chunk.value, { stream: true });
      bytes += chunk.value.byteLength;
      if (bytes >= maxBytes) {
        await reader.cancel();
        break;
      }
    }
  } catch (error) {
    throw new ToolFailure(`${tool}: the answer could not be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  return text + decoder.decode();
}

async function snippet(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  return text.slice(0, 300);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** A readable text of an HTML page: scripts, styles and tags dropped, blocks on their own lines. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|noscript|template|svg)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(br|\/p|\/div|\/li|\/tr|\/h[1-6]|\/section|\/article|\/header|\/footer)\b[^>]*>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '- ')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, code: string) => {
      if (!code.startsWith('#')) return ENTITIES[code.toLowerCase()] ?? entity;
      const point = code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
      // A number past Unicode's last code point stays as written.
      return point > 0 && point <= 0x10ffff ? String.fromCodePoint(point) : entity;
    })
    .replace(/[ \t\f\v\r]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
