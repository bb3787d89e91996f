import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/domain/message.js';
import { ContextWindowCache } from '../../src/services/context-window-cache.js';

/** Messages of about 1,000 characters each. */
const messages = (conversationId: string, count: number): Message[] =>
  Array.from({ length: count }, (_, index) => ({ id: `${conversationId}-${index}`, conversationId, content: [{ type: 'text', text: 'x'.repeat(1000) }] }) as unknown as Message);

describe('ContextWindowCache', () => {
  it('gives back the window a conversation last remembered, replaced as a whole', () => {
    const cache = new ContextWindowCache(10_000);
    cache.remember('a', messages('a', 3));
    expect([...cache.take('a').keys()]).toEqual(['a-0', 'a-1', 'a-2']);
    cache.remember('a', messages('a', 4).slice(2));
    expect([...cache.take('a').keys()]).toEqual(['a-2', 'a-3']);
    expect(cache.take('b').size).toBe(0);
  });

  it('drops the least recently used conversations once it holds more text than its capacity', () => {
    const cache = new ContextWindowCache(10_000);
    cache.remember('a', messages('a', 4));
    cache.remember('b', messages('b', 4));
    cache.take('a');
    cache.remember('c', messages('c', 4));
    expect(cache.take('b').size).toBe(0);
    expect(cache.take('a').size).toBe(4);
    expect(cache.take('c').size).toBe(4);
    // A window larger than the whole cache is not kept, and leaves the others alone.
    cache.remember('d', messages('d', 10));
    expect(cache.take('d').size).toBe(0);
    expect(cache.take('a').size).toBe(4);
    // Images count by their data.
    cache.remember('e', [{ id: 'e-0', content: [{ type: 'image', source: { type: 'base64', data: 'A'.repeat(9_000) } }] } as unknown as Message]);
    expect(cache.take('e').size).toBe(1);
    expect(cache.take('c').size).toBe(0);
  });
});
