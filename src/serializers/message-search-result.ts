import type { Message } from '../domain/message.js';
import { toLettaMessages } from './letta-message.js';

const RESULT_TYPES = new Set(['system_message', 'user_message', 'reasoning_message', 'assistant_message']);

/** One stored message as `POST /v1/messages/search` results: its visible user, reasoning and assistant parts. */
export function toMessageSearchResults(message: Message) {
  return toLettaMessages(message)
    .filter((part) => RESULT_TYPES.has(part.message_type))
    .map((part) => ({
      message_type: part.message_type,
      ...(part.message_type === 'reasoning_message' ? { reasoning: part.reasoning } : { content: part.content }),
      message_id: message.id,
      agent_id: message.agentId,
      conversation_id: message.conversationId,
      created_at: part.date,
    }));
}
