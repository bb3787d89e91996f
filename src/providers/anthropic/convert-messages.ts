import type { Base64ImageSource, ContentBlockParam, MessageParam } from '@anthropic-ai/sdk/resources/messages';
import type { ChatMessage, ImagePart, TextPart, ToolCall } from '../model-client.js';

type Turn = { role: 'user' | 'assistant'; content: ContentBlockParam[] };

function userBlock(part: TextPart | ImagePart): ContentBlockParam {
  if (part.type === 'text') return { type: 'text', text: part.text };
  return part.source.kind === 'url'
    ? { type: 'image', source: { type: 'url', url: part.source.url } }
    : { type: 'image', source: { type: 'base64', media_type: part.source.mediaType as Base64ImageSource['media_type'], data: part.source.data } };
}

function parseInput(call: ToolCall): unknown {
  try {
    return JSON.parse(call.arguments);
  } catch {
    return {};
  }
}

function assistantBlocks(message: Extract<ChatMessage, { role: 'assistant' }>): ContentBlockParam[] {
  const blocks: ContentBlockParam[] = [];
  for (const reasoning of message.reasoning ?? []) {
    if (reasoning.redacted) blocks.push({ type: 'redacted_thinking', data: reasoning.redacted });
    // Anthropic rejects thinking without its signature (reasoning from another provider has none).
    else if (reasoning.signature) blocks.push({ type: 'thinking', thinking: reasoning.text, signature: reasoning.signature });
  }
  // Empty text blocks are rejected.
  if (message.text) blocks.push({ type: 'text', text: message.text });
  for (const call of message.toolCalls ?? []) blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: parseInput(call) });
  return blocks;
}

/**
 * Our chat messages as Anthropic turns. Tool results become user turns, and adjacent turns of one
 * role are merged, since the API requires user and assistant to alternate.
 */
export function toAnthropicMessages(messages: ChatMessage[]): MessageParam[] {
  const turns: Turn[] = [];
  const append = (role: Turn['role'], content: ContentBlockParam[]) => {
    if (!content.length) return;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...content);
    else turns.push({ role, content: [...content] });
  };
  for (const message of messages) {
    switch (message.role) {
      case 'user':
        append('user', message.content.map(userBlock));
        break;
      case 'assistant':
        append('assistant', assistantBlocks(message));
        break;
      case 'tool':
        append('user', [{ type: 'tool_result', tool_use_id: message.toolCallId, content: message.content, ...(message.isError ? { is_error: true } : {}) }]);
        break;
    }
  }
  // Tool results must lead their user turn, before any text the user added.
  for (const turn of turns) {
    if (turn.role === 'user') turn.content.sort((a, b) => Number(b.type === 'tool_result') - Number(a.type === 'tool_result'));
  }
  return turns;
}
