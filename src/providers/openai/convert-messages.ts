import type { ChatCompletionContentPart, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ChatMessage } from '../model-client.js';

/** Our chat messages in OpenAI's chat-completions form, system prompt first. */
export function toOpenAIMessages(system: string, messages: ChatMessage[]): ChatCompletionMessageParam[] {
  const converted: ChatCompletionMessageParam[] = [{ role: 'system', content: system }];
  for (const message of messages) {
    switch (message.role) {
      case 'user':
        converted.push({
          role: 'user',
          content: message.content.map(
            (part): ChatCompletionContentPart =>
              part.type === 'text'
                ? { type: 'text', text: part.text }
                : {
                    type: 'image_url',
                    image_url: { url: part.source.kind === 'url' ? part.source.url : `data:${part.source.mediaType};base64,${part.source.data}` },
                  },
          ),
        });
        break;
      case 'assistant':
        // Reasoning is not sent back: OpenAI-compatible servers reject or ignore it.
        converted.push({
          role: 'assistant',
          content: message.text || null,
          ...(message.toolCalls?.length
            ? { tool_calls: message.toolCalls.map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } })) }
            : {}),
        });
        break;
      case 'tool':
        converted.push({ role: 'tool', tool_call_id: message.toolCallId, content: message.content });
        break;
    }
  }
  return converted;
}
