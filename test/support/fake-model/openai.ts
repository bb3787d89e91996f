import type { ScriptedToolCall, Turn } from './replies.js';
import { piecesOf, tokensOf } from './replies.js';

type ReplyTurn = Extract<Turn, { kind: 'reply' }>;

function finishReason(turn: ReplyTurn): string {
  if (turn.finish === 'length') return 'length';
  return turn.toolCalls.length ? 'tool_calls' : 'stop';
}

function usage(promptChars: number, turn: ReplyTurn) {
  const completion = tokensOf(turn.text + turn.toolCalls.map((call) => call.arguments).join('')) + tokensOf(turn.reasoning?.text ?? '');
  const prompt = tokensOf('x'.repeat(promptChars));
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    ...(turn.reasoning ? { completion_tokens_details: { reasoning_tokens: tokensOf(turn.reasoning.text) } } : {}),
  };
}

function wireCall(call: ScriptedToolCall) {
  return { id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } };
}

/** A chat.completion body for a non-streaming request. */
export function openaiCompletion(model: string, turn: ReplyTurn, promptChars: number) {
  return {
    id: `chatcmpl-${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: turn.text || null,
          ...(turn.reasoning ? { reasoning_content: turn.reasoning.text } : {}),
          ...(turn.toolCalls.length ? { tool_calls: turn.toolCalls.map(wireCall) } : {}),
        },
        finish_reason: finishReason(turn),
      },
    ],
    usage: usage(promptChars, turn),
  };
}

/** The `data:` payloads of a streamed chat completion, without the final `[DONE]`. */
export function openaiChunks(model: string, turn: ReplyTurn, promptChars: number, includeUsage: boolean): unknown[] {
  const base = { id: `chatcmpl-${Date.now()}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  const chunks: unknown[] = [chunk({ role: 'assistant', content: '' })];
  for (const piece of piecesOf(turn.reasoning?.text ?? '')) chunks.push(chunk({ reasoning_content: piece }));
  for (const piece of piecesOf(turn.text)) chunks.push(chunk({ content: piece }));
  turn.toolCalls.forEach((call, index) => {
    chunks.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }));
    const half = Math.ceil(call.arguments.length / 2);
    for (const fragment of [call.arguments.slice(0, half), call.arguments.slice(half)]) {
      if (fragment) chunks.push(chunk({ tool_calls: [{ index, function: { arguments: fragment } }] }));
    }
  });
  chunks.push(chunk({}, finishReason(turn)));
  if (includeUsage) chunks.push({ ...base, choices: [], usage: usage(promptChars, turn) });
  return chunks;
}

export function openaiError(status: number, message: string) {
  return { error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'invalid_request_error', code: null } };
}
