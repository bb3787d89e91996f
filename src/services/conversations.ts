import type { Conversation, ConversationFields } from '../domain/conversation.js';
import type { PageRequest } from '../domain/pagination.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { ConversationListFilter } from '../store/repositories/conversations.js';
import type { Store } from '../store/store.js';
import type { AgentService } from './agents.js';

/**
 * An agent's conversations: threads with their own context windows (each starting from its own
 * system message) over the agent's shared memory, tools and archive.
 */
export class ConversationService {
  constructor(
    private readonly store: Store,
    private readonly agents: AgentService,
  ) {}

  async create(agentId: string, fields: ConversationFields): Promise<Conversation> {
    await this.store.repos.agents.assertExists(agentId);
    const prompt = await this.agents.recompile(agentId, true);
    return this.store.transaction(async (repos) => {
      const conversation = await repos.conversations.create(agentId, fields);
      const [system] = await repos.messages.insertMany([{ agentId, conversationId: conversation.id, role: 'system', content: [{ type: 'text', text: prompt }] }]);
      await repos.agents.setInContextMessageIds(conversation.id, [system!.id]);
      return { ...conversation, inContextMessageIds: [system!.id] };
    });
  }

  async get(conversationId: string): Promise<Conversation> {
    return this.store.repos.conversations.get(conversationId);
  }

  list(filter: ConversationListFilter, page: PageRequest): Promise<Conversation[]> {
    return this.store.repos.conversations.list(filter, page);
  }

  update(conversationId: string, patch: ConversationFields & { archived?: boolean }): Promise<Conversation> {
    return this.store.repos.conversations.update(conversationId, patch);
  }

  async delete(conversationId: string): Promise<void> {
    const conversation = await this.store.repos.conversations.get(conversationId);
    if (conversation.isDefault) throw new ConflictError(`Conversation ${conversationId} is agent ${conversation.agentId}'s own and is deleted with it`, 'DEFAULT_CONVERSATION');
    await this.store.transaction(async (repos) => {
      await repos.conversations.delete(conversationId);
    });
  }

  /** The conversation a message route names: its id, or `default` with the agent's id. */
  async resolve(conversationId: string, agentId?: string | null): Promise<Conversation> {
    if (conversationId === 'default') {
      if (!agentId) throw new NotFoundError('conversation', 'default', ': name the agent (agent_id) whose default conversation this is');
      return this.store.repos.conversations.get(await this.store.repos.agents.defaultConversationId(agentId));
    }
    return this.store.repos.conversations.get(conversationId);
  }
}
