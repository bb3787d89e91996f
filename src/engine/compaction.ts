import { isHiddenUserMessage, textOf, type Message, type StoredToolCall, type StoredToolReturn } from '../domain/message.js';

export type CompactionMode = 'all' | 'sliding_window' | 'self_compact_all' | 'self_compact_sliding_window';

/** A rough token count (four characters a token), enough to decide when to compact. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** What a message weighs in the context: its text, calls and results (counted without copying them). */
export function messageTokens(message: Message): number {
  let chars = 0;
  for (const part of message.content) if (part.type === 'text' && typeof part.text === 'string') chars += part.text.length;
  for (const call of (message.toolCalls ?? []) as StoredToolCall[]) chars += call.function.name.length + call.function.arguments.length;
  for (const ret of (message.toolReturns ?? []) as StoredToolReturn[]) chars += ret.func_response.length;
  return Math.ceil(chars / 4) + 4;
}

/** A message a kept part may start with: a user turn, never a tool result or a call awaiting one. */
function startsTurn(message: Message): boolean {
  return message.role === 'user';
}

/**
 * Splits the history (without the system message) into what is summarised and what stays. The kept
 * part starts at a user message, so no tool call is ever separated from its result. Sliding modes keep
 * the newest messages within `keepTokens`; the "all" modes keep only the current turn.
 */
export function planCompaction(history: Message[], mode: CompactionMode, keepTokens: number): { evict: Message[]; keep: Message[] } {
  const starts = history.map((message, index) => (startsTurn(message) ? index : -1)).filter((index) => index > 0);
  if (!starts.length) return { evict: [], keep: history };
  let cut = starts.at(-1)!;
  if (mode === 'sliding_window' || mode === 'self_compact_sliding_window') {
    let kept = 0;
    for (let index = history.length - 1; index >= 0; index--) {
      kept += messageTokens(history[index]!);
      if (kept > keepTokens) break;
      if (starts.includes(index)) cut = index;
    }
  }
  return { evict: history.slice(0, cut), keep: history.slice(cut) };
}

function systemAlertOf(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { type?: string; message?: string };
    return parsed.type === 'system_alert' ? parsed.message : undefined;
  } catch {
    return undefined;
  }
}

/** The evicted messages as a transcript for the summariser. */
export function transcriptOf(messages: Message[]): string {
  const lines: string[] = [];
  for (const message of messages) {
    const text = textOf(message);
    if (isHiddenUserMessage(message)) {
      // An earlier summary is carried into the new one; heartbeats are dropped.
      const alert = systemAlertOf(text);
      if (alert) lines.push(`(summary of still earlier messages) ${alert}`);
      continue;
    }
    if (message.role === 'tool') {
      for (const ret of (message.toolReturns ?? []) as StoredToolReturn[]) lines.push(`tool result (${ret.status}): ${ret.func_response}`);
      continue;
    }
    if (text) lines.push(`${message.role}: ${text}`);
    for (const call of (message.toolCalls ?? []) as StoredToolCall[]) lines.push(`${message.role} called ${call.function.name}(${call.function.arguments})`);
  }
  return lines.join('\n');
}
