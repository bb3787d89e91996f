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

  /**
   * A new conversation starting from a copy of this one's context (up to and including `messageId`
   * when given): the messages are copied, so the two threads go on independently.
   */
  async fork(source: Conversation, options: { hidden?: boolean; messageId?: string | null }): Promise<Conversation> {
    let ids = source.inContextMessageIds;
    if (options.messageId) {
      const index = ids.indexOf(options.messageId);
      if (index < 0) throw new NotFoundError('message', options.messageId, ` in the context of conversation ${source.id}`);
      ids = ids.slice(0, index + 1);
    }
    return this.store.transaction(async (repos) => {
      const messages = await repos.messages.inOrder(ids);
      const fork = await repos.conversations.create(source.agentId, {
        description: source.description,
        summary: source.summary,
        hidden: options.hidden ?? false,
        model: source.model,
        modelSettings: source.modelSettings,
        contextWindowLimit: source.contextWindowLimit,
      });
      const copies = await repos.messages.insertMany(
        messages.map(({ id: _id, seq: _seq, conversationId: _conversation, ...message }) => ({ ...message, conversationId: fork.id })),
      );
      const copyIds = copies.map((message) => message.id);
      await repos.agents.setInContextMessageIds(fork.id, copyIds);
      return { ...fork, inContextMessageIds: copyIds };
    });
  }

  /** Rewrites the conversation's system message from the agent's current memory; returns the prompt. */
  async recompile(conversation: Conversation, dryRun: boolean): Promise<string> {
    if (conversation.isDefault) return this.agents.recompile(conversation.agentId, dryRun);
    const prompt = await this.agents.recompile(conversation.agentId, true);
    const [systemId] = conversation.inContextMessageIds;
    if (!dryRun && systemId) await this.store.repos.messages.setContent(systemId, [{ type: 'text', text: prompt }]);
    return prompt;
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
