import type { Message, StoredToolCall, StoredToolReturn } from '../domain/message.js';
import { dateTimeFormat } from '../memory/time-format.js';
import type { ChatMessage, ImagePart, Reasoning, TextPart } from '../providers/model-client.js';

function userParts(message: Message): (TextPart | ImagePart)[] {
  const parts: (TextPart | ImagePart)[] = [];
  for (const part of message.content) {
    if (part.type === 'text' && typeof part.text === 'string') parts.push({ type: 'text', text: part.text });
    if (part.type === 'image') {
      const source = part.source as { type?: string; url?: string; media_type?: string; data?: string } | undefined;
      if (source?.type === 'url' && source.url) parts.push({ type: 'image', source: { kind: 'url', url: source.url } });
      else if (source?.data) parts.push({ type: 'image', source: { kind: 'base64', mediaType: source.media_type ?? 'image/png', data: source.data } });
    }
  }
  return parts;
}

/** The stored in-context messages (without the system message) as the model's chat history. */
export function toChatMessages(messages: Message[]): ChatMessage[] {
  const chat: ChatMessage[] = [];
  let previousStepId: string | null = null;
  for (const message of messages) {
    const stepId = previousStepId;
    previousStepId = message.stepId;
    switch (message.role) {
      case 'user':
        chat.push({ role: 'user', content: userParts(message) });
        break;
      case 'approval':
      case 'assistant': {
        // An approval response only records the client's answer; the tool message after it carries the results.
        if (message.role === 'approval' && !message.toolCalls?.length) break;
        const reasoning: Reasoning[] = message.content
          .filter((part) => part.type === 'reasoning' || part.type === 'redacted_reasoning')
          .map((part) =>
            part.type === 'reasoning'
              ? { text: String(part.reasoning ?? ''), ...(part.signature ? { signature: String(part.signature) } : {}) }
              : { text: '', redacted: String(part.data ?? '') },
          );
        const text = message.content.filter((part) => part.type === 'text').map((part) => String(part.text ?? '')).join('');
        const toolCalls = ((message.toolCalls ?? []) as StoredToolCall[]).map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments }));
        // An approval request continues its step's assistant message: the model made one reply.
        const previous = chat.at(-1);
        if (message.role === 'approval' && previous?.role === 'assistant' && stepId === message.stepId && stepId) {
          previous.toolCalls = [...(previous.toolCalls ?? []), ...toolCalls];
          break;
        }
        chat.push({ role: 'assistant', text, ...(reasoning.length ? { reasoning } : {}), ...(toolCalls.length ? { toolCalls } : {}) });
        break;
      }
      case 'tool': {
        const returns = (message.toolReturns ?? []) as StoredToolReturn[];
        returns.forEach((ret, index) => {
          const packaged = message.content[index];
          chat.push({
            role: 'tool',
            toolCallId: ret.tool_call_id,
            toolName: message.name ?? '',
            content: typeof packaged?.text === 'string' ? packaged.text : ret.func_response,
            isError: ret.status === 'error',
          });
        });
        break;
      }
      default:
        break;
    }
  }
  return chat;
}

const TOOL_TIME: Intl.DateTimeFormatOptions = { hour12: true, dateStyle: 'short', timeStyle: 'long' };

/** `{"status": "OK"|"Failed", "message": ..., "time": ...}`, as the model reads a tool result. */
export function packageToolResult(ok: boolean, result: string, timezone: string, at = new Date()): string {
  const time = dateTimeFormat(timezone, TOOL_TIME).format(at);
  return JSON.stringify({ status: ok ? 'OK' : 'Failed', message: result, time }, null, 2);
}
