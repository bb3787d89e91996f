import type { Message } from '../domain/message.js';

/** How much the cache holds across all conversations: 32 M characters of message text (~64 MB). */
const DEFAULT_CAPACITY = 32 * 1024 * 1024;

/** A message's size in characters of the strings in it (its text, tool calls, images' data ...). */
function sizeOf(value: unknown, depth = 0): number {
  if (typeof value === 'string') return value.length;
  if (value === null || typeof value !== 'object' || depth > 6) return 8;
  let size = 16;
  for (const item of Array.isArray(value) ? value : Object.values(value)) size += sizeOf(item, depth + 1);
  return size;
}

interface Window {
  messages: Map<string, Message>;
  size: number;
}

/**
 * The messages of recently used context windows, by conversation, so a conversation's next turn
 * reads from the store only what it has not seen: the id list, the system message and any message
 * added since (by another process, say). Safe because a stored message never changes, except the
 * system message's compiled prompt, which is never taken from here. Least recently used
 * conversations go first once the cache holds `capacity` characters of messages.
 */
export class ContextWindowCache {
  private readonly windows = new Map<string, Window>();
  private readonly sizes = new WeakMap<Message, number>();
  private size = 0;

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** The cached messages of a conversation, by id (empty when none are cached). */
  take(conversationId: string): ReadonlyMap<string, Message> {
    const window = this.windows.get(conversationId);
    if (!window) return new Map();
    this.windows.delete(conversationId);
    this.windows.set(conversationId, window);
    return window.messages;
  }

  /** Remembers a conversation's window after its system message, in place of what was cached. */
  remember(conversationId: string, history: Message[]): void {
    this.forget(conversationId);
    let size = 0;
    for (const message of history) size += this.sizeOf(message);
    if (size > this.capacity) return;
    this.windows.set(conversationId, { messages: new Map(history.map((message) => [message.id, message])), size });
    this.size += size;
    for (const [oldest, window] of this.windows) {
      if (this.size <= this.capacity) break;
      this.windows.delete(oldest);
      this.size -= window.size;
    }
  }

  private forget(conversationId: string): void {
    const window = this.windows.get(conversationId);
    if (!window) return;
    this.windows.delete(conversationId);
    this.size -= window.size;
  }

  /** Measured once per message: a window is remembered again after every step. */
  private sizeOf(message: Message): number {
    let size = this.sizes.get(message);
    if (size === undefined) {
      size = sizeOf(message);
      this.sizes.set(message, size);
    }
    return size;
  }
}
