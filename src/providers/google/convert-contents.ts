import type { Content, Part } from '@google/genai';
import type { ChatMessage, ImagePart, TextPart, ToolCall } from '../model-client.js';

/** Ids we make up for calls Gemini sent without one; Gemini never saw them, so they are not sent back. */
export const LOCAL_CALL_ID_PREFIX = 'gemini-call-';

const MIME_BY_EXTENSION: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', heic: 'image/heic' };

function userPart(part: TextPart | ImagePart): Part {
  if (part.type === 'text') return { text: part.text };
  if (part.source.kind === 'base64') return { inlineData: { mimeType: part.source.mediaType, data: part.source.data } };
  const extension = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(part.source.url)?.[1]?.toLowerCase() ?? '';
  return { fileData: { fileUri: part.source.url, mimeType: MIME_BY_EXTENSION[extension] ?? 'image/jpeg' } };
}

function parseArgs(call: ToolCall): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(call.arguments);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function callId(id: string): { id?: string } {
  return id.startsWith(LOCAL_CALL_ID_PREFIX) ? {} : { id };
}

/**
 * An assistant turn as model parts. Gemini's thought text is not sent back; its thought signature
 * is, on the first function call (or the text when there is none), where Gemini put it.
 */
function modelParts(message: Extract<ChatMessage, { role: 'assistant' }>): Part[] {
  const signature = message.reasoning?.find((reasoning) => reasoning.signature)?.signature;
  const parts: Part[] = [];
  if (message.text) parts.push({ text: message.text });
  for (const call of message.toolCalls ?? []) parts.push({ functionCall: { ...callId(call.id), name: call.name, args: parseArgs(call) } });
  if (signature) {
    const carrier = parts.find((part) => part.functionCall) ?? parts[0];
    if (carrier) carrier.thoughtSignature = signature;
  }
  return parts;
}

/**
 * Our chat messages as Gemini contents: `user` and `model` turns. Function responses travel in user
 * turns, and adjacent turns of one role are merged, as the API wants them to alternate.
 */
export function toGeminiContents(messages: ChatMessage[]): Content[] {
  const contents: Content[] = [];
  const append = (role: 'user' | 'model', parts: Part[]) => {
    if (!parts.length) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts!.push(...parts);
    else contents.push({ role, parts: [...parts] });
  };
  for (const message of messages) {
    switch (message.role) {
      case 'user':
        append('user', message.content.map(userPart));
        break;
      case 'assistant':
        append('model', modelParts(message));
        break;
      case 'tool':
        append('user', [
          { functionResponse: { ...callId(message.toolCallId), name: message.toolName, response: message.isError ? { error: message.content } : { output: message.content } } },
        ]);
        break;
    }
  }
  // Function responses lead their turn, before any text the user added.
  for (const content of contents) {
    if (content.role === 'user') content.parts!.sort((a, b) => Number(Boolean(b.functionResponse)) - Number(Boolean(a.functionResponse)));
  }
  return contents;
}
