/** What a scripted model answers to one request. */
export type Turn =
  | { kind: 'reply'; text: string; reasoning?: { text: string; signature: string }; toolCalls: ScriptedToolCall[]; finish: 'stop' | 'length' }
  | { kind: 'http-error'; status: number; message: string }
  | { kind: 'stall'; ms: number; then: Turn }
  | { kind: 'drop-after'; chunks: number; turn: Turn }
  | { kind: 'malformed' };

export interface ScriptedToolCall {
  id: string;
  name: string;
  arguments: string;
}

let callCounter = 0;

function toolCall(name: string, args: Record<string, unknown> | string, id?: string): ScriptedToolCall {
  callCounter += 1;
  return { id: id ?? `call_${callCounter.toString().padStart(6, '0')}`, name, arguments: typeof args === 'string' ? args : JSON.stringify(args) };
}

/** Builders for scripted turns. */
export const reply = {
  text: (text: string, options: { finish?: 'stop' | 'length' } = {}): Turn => ({ kind: 'reply', text, toolCalls: [], finish: options.finish ?? 'stop' }),
  toolCall: (name: string, args: Record<string, unknown> | string, options: { id?: string; text?: string } = {}): Turn => ({
    kind: 'reply',
    text: options.text ?? '',
    toolCalls: [toolCall(name, args, options.id)],
    finish: 'stop',
  }),
  toolCalls: (calls: { name: string; args: Record<string, unknown> | string; id?: string }[]): Turn => ({
    kind: 'reply',
    text: '',
    toolCalls: calls.map((call) => toolCall(call.name, call.args, call.id)),
    finish: 'stop',
  }),
  /** Reasoning (with an Anthropic-style signature) before another reply turn's content. */
  reasoning: (text: string, then: Turn, signature = `sig-${text.length}`): Turn => {
    if (then.kind !== 'reply') throw new Error('reasoning goes before a reply turn');
    return { ...then, reasoning: { text, signature } };
  },
  httpError: (status: number, message = `scripted error ${status}`): Turn => ({ kind: 'http-error', status, message }),
  stall: (ms: number, then: Turn = reply.text('(after a stall)')): Turn => ({ kind: 'stall', ms, then }),
  dropAfter: (chunks: number, turn: Turn): Turn => ({ kind: 'drop-after', chunks, turn }),
  malformed: (): Turn => ({ kind: 'malformed' }),
};

/** Rough token count for usage figures: a token per four characters. */
export function tokensOf(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Splits text into streaming pieces (words with their trailing space). */
export function piecesOf(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}
