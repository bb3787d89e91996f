import type { Message, NewMessage } from '../domain/message.js';
import type { Repositories } from '../store/repositories/index.js';
import type { Store } from '../store/store.js';
import type { ContextWindowCache } from './context-window-cache.js';

/**
 * A conversation's context window (its system message first) as one run sees it while it holds the
 * conversation's lock. Nothing else that takes the lock (another send, a reset, a summarize) can
 * change the context meanwhile, so it is read once and kept here: each commit appends to it in the
 * transaction that stores the messages, and it is read again only after the run changed it some
 * other way (`invalidate`, after a compaction).
 *
 * The id list is written compare-and-set on the list the run last saw: a change made without the
 * lock (an agent update's `message_ids`) is appended to rather than overwritten, and read back.
 * Between runs the window's messages wait in a `ContextWindowCache`, so the next run reads only the
 * id list, the system message and what it has not seen.
 */
export class RunContext {
  private ids: string[] = [];
  private messages: Message[] = [];
  private stale = true;

  private constructor(
    private readonly store: Store,
    private readonly cache: ContextWindowCache,
    readonly conversationId: string,
  ) {}

  /** Reads the conversation's context window; call it with the conversation's lock held. */
  static async open(store: Store, cache: ContextWindowCache, conversationId: string): Promise<RunContext> {
    const context = new RunContext(store, cache, conversationId);
    await context.read();
    return context;
  }

  /** The context window in order, read again first if it went stale. */
  async window(): Promise<Message[]> {
    if (this.stale) await this.read();
    return this.messages;
  }

  /** Something besides `append` changed the context: read it again before its next use. */
  invalidate(): void {
    this.stale = true;
  }

  /** Stores messages (and whatever `alongside` writes) and appends them to the context, in one transaction. */
  async append(messages: NewMessage[], alongside?: (repos: Repositories) => Promise<void>): Promise<Message[]> {
    const seen = this.stale ? null : this.ids;
    const { inserted, ids } = await this.store.transaction(async (repos) => {
      await alongside?.(repos);
      const inserted = await repos.messages.insertMany(messages);
      const added = inserted.map((message) => message.id);
      if (seen && (await repos.conversations.replaceInContextIds(this.conversationId, seen, [...seen, ...added]))) return { inserted, ids: [...seen, ...added] };
      const current = await repos.agents.inContextIdsOfConversation(this.conversationId);
      await repos.agents.setInContextMessageIds(this.conversationId, [...current, ...added]);
      return { inserted, ids: null };
    });
    // Only a committed write changes what the run sees.
    if (ids) {
      this.ids = ids;
      this.messages = [...this.messages, ...inserted];
      this.cache.remember(this.conversationId, this.messages.slice(1));
    } else {
      this.stale = true;
    }
    return inserted;
  }

  private async read(): Promise<void> {
    const repos = this.store.repos;
    const ids = await repos.agents.inContextIdsOfConversation(this.conversationId);
    const cached = this.cache.take(this.conversationId);
    // The first message (the system prompt, recompiled in place) is always read afresh.
    const unseen = ids.filter((id, index) => index === 0 || !cached.has(id));
    if (unseen.length > ids.length / 2) {
      this.messages = await repos.messages.contextWindow(this.conversationId, ids);
    } else {
      const read = new Map((await repos.messages.findMany(unseen)).map((message) => [message.id, message]));
      this.messages = ids.map((id, index) => (index === 0 ? read.get(id) : (cached.get(id) ?? read.get(id)))).filter((message): message is Message => Boolean(message));
    }
    this.cache.remember(this.conversationId, this.messages.slice(1));
    this.ids = ids;
    this.stale = false;
  }
}
