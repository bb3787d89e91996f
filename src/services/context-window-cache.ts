import type { Message } from '../domain/message.js';

/** How many messages the cache holds across all conversations (a few tens of MB). */
const DEFAULT_CAPACITY = 50_000;

/**
 * The messages of recently used context windows, by conversation, so a conversation's next turn
 * reads from the store only what it has not seen: the id list, the system message and any message
 * added since (by another process, say). Safe because a stored message never changes, except the
 * system message's compiled prompt, which is never taken from here. Least recently used
 * conversations go first once the cache holds `capacity` messages.
 */
export class ContextWindowCache {
  private readonly windows = new Map<string, Map<string, Message>>();
  private size = 0;

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** The cached messages of a conversation, by id (empty when none are cached). */
  take(conversationId: string): ReadonlyMap<string, Message> {
    const window = this.windows.get(conversationId);
    if (!window) return new Map();
    this.windows.delete(conversationId);
    this.windows.set(conversationId, window);
    return window;
  }

  /** Remembers a conversation's window after its system message, in place of what was cached. */
  remember(conversationId: string, history: Message[]): void {
    this.forget(conversationId);
    if (history.length > this.capacity) return;
    this.windows.set(conversationId, new Map(history.map((message) => [message.id, message])));
    this.size += history.length;
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
}
