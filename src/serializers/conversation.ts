import type { Conversation } from '../domain/conversation.js';

export function toConversationWire(conversation: Conversation) {
  return {
    id: conversation.id,
    agent_id: conversation.agentId,
    description: conversation.description,
    summary: conversation.summary,
    archived: conversation.archived,
    archived_at: conversation.archivedAt,
    hidden: conversation.hidden,
    model: conversation.model,
    model_settings: conversation.modelSettings,
    context_window_limit: conversation.contextWindowLimit,
    in_context_message_ids: conversation.inContextMessageIds,
    last_message_at: null,
    created_by_id: null,
    last_updated_by_id: null,
    created_at: conversation.createdAt,
    updated_at: conversation.updatedAt,
  };
}
