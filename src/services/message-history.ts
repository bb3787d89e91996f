import type { Message } from '../domain/message.js';
import type { PageRequest } from '../domain/pagination.js';
import { NotImplementedError } from '../errors.js';
import { dateFilterBound } from '../memory/local-time.js';
import type { Store } from '../store/store.js';

export interface MessageSearch {
  query: string;
  agentId?: string | null;
  conversationId?: string | null;
  startDate?: string | null;
  endDate?: string | null;
  limit: number;
  searchMode: 'vector' | 'fts' | 'hybrid';
}

/** The roles a search looks at: what the user and the agent said, not prompts or tool results. */
const SEARCHED_ROLES = ['user', 'assistant'];

/** Messages across agents: `GET /v1/messages`, `GET /v1/messages/{id}` and `POST /v1/messages/search`. */
export class MessageHistoryService {
  constructor(private readonly store: Store) {}

  get(messageId: string): Promise<Message> {
    return this.store.repos.messages.get(messageId);
  }

  list(filter: { conversationId?: string | null }, page: PageRequest): Promise<Message[]> {
    return this.store.repos.messages.listAcrossAgents(filter, page);
  }

  /**
   * Messages holding every word of the query, newest first. Messages carry no embeddings here, so
   * `hybrid` is its text half alone and `vector` is not available.
   */
  search(request: MessageSearch): Promise<Message[]> {
    if (request.searchMode === 'vector') throw new NotImplementedError('Vector search over messages (use search_mode "fts" or "hybrid")');
    return this.store.repos.messages.search({
      texts: request.query.split(/\s+/).filter(Boolean),
      roles: SEARCHED_ROLES,
      limit: request.limit,
      agentId: request.agentId,
      conversationId: request.conversationId,
      // A bare date is the whole UTC day; a time is compared as the instant it names.
      startDate: dateFilterBound(request.startDate, 'UTC', 'start_date', false),
      endDate: dateFilterBound(request.endDate, 'UTC', 'end_date', true),
    });
  }
}
