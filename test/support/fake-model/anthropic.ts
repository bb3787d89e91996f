import type { Turn } from './replies.js';
import { piecesOf, tokensOf } from './replies.js';

type ReplyTurn = Extract<Turn, { kind: 'reply' }>;

function stopReason(turn: ReplyTurn): string {
  if (turn.finish === 'length') return 'max_tokens';
  return turn.toolCalls.length ? 'tool_use' : 'end_turn';
}

function blocks(turn: ReplyTurn) {
  return [
    ...(turn.reasoning ? [{ type: 'thinking', thinking: turn.reasoning.text, signature: turn.reasoning.signature }] : []),
    ...(turn.text ? [{ type: 'text', text: turn.text }] : []),
    ...turn.toolCalls.map((call) => ({ type: 'tool_use', id: call.id, name: call.name, input: JSON.parse(call.arguments) as unknown })),
  ];
}

function outputTokens(turn: ReplyTurn): number {
  return tokensOf(turn.text + (turn.reasoning?.text ?? '') + turn.toolCalls.map((call) => call.arguments).join(''));
}

/** A Messages API body for a non-streaming request. */
export function anthropicMessage(model: string, turn: ReplyTurn, promptChars: number) {
  return {
    id: `msg_${Date.now()}`,
    type: 'message',
    role: 'assistant',
    model,
    content: blocks(turn),
    stop_reason: stopReason(turn),
    stop_sequence: null,
    usage: { input_tokens: tokensOf('x'.repeat(promptChars)), output_tokens: outputTokens(turn) },
  };
}

/** The named SSE events of a streamed message: [event, data] pairs. */
export function anthropicEvents(model: string, turn: ReplyTurn, promptChars: number): [string, unknown][] {
  const events: [string, unknown][] = [
    [
      'message_start',
      {
        type: 'message_start',
        message: { id: `msg_${Date.now()}`, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: tokensOf('x'.repeat(promptChars)), output_tokens: 1 } },
      },
    ],
  ];
  let index = 0;
  const block = (start: unknown, deltas: unknown[]) => {
    events.push(['content_block_start', { type: 'content_block_start', index, content_block: start }]);
    for (const delta of deltas) events.push(['content_block_delta', { type: 'content_block_delta', index, delta }]);
    events.push(['content_block_stop', { type: 'content_block_stop', index }]);
    index += 1;
  };
  if (turn.reasoning) {
    block({ type: 'thinking', thinking: '', signature: '' }, [
      ...piecesOf(turn.reasoning.text).map((piece) => ({ type: 'thinking_delta', thinking: piece })),
      { type: 'signature_delta', signature: turn.reasoning.signature },
    ]);
  }
  if (turn.text) block({ type: 'text', text: '' }, piecesOf(turn.text).map((piece) => ({ type: 'text_delta', text: piece })));
  for (const call of turn.toolCalls) {
    const half = Math.ceil(call.arguments.length / 2);
    block(
      { type: 'tool_use', id: call.id, name: call.name, input: {} },
      [call.arguments.slice(0, half), call.arguments.slice(half)].filter(Boolean).map((partial_json) => ({ type: 'input_json_delta', partial_json })),
    );
  }
  events.push(['message_delta', { type: 'message_delta', delta: { stop_reason: stopReason(turn), stop_sequence: null }, usage: { output_tokens: outputTokens(turn) } }]);
  events.push(['message_stop', { type: 'message_stop' }]);
  return events;
}

export function anthropicError(status: number, message: string) {
  const type = status === 429 ? 'rate_limit_error' : status === 401 ? 'authentication_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
  return { type: 'error', error: { type, message } };
}
