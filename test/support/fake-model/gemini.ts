import type { Turn } from './replies.js';
import { piecesOf, tokensOf } from './replies.js';

type ReplyTurn = Extract<Turn, { kind: 'reply' }>;

function finishReason(turn: ReplyTurn): string {
  return turn.finish === 'length' ? 'MAX_TOKENS' : 'STOP';
}

function usageMetadata(promptChars: number, turn: ReplyTurn) {
  const prompt = tokensOf('x'.repeat(promptChars));
  const candidates = tokensOf(turn.text + turn.toolCalls.map((call) => call.arguments).join(''));
  const thoughts = tokensOf(turn.reasoning?.text ?? '');
  return { promptTokenCount: prompt, candidatesTokenCount: candidates, ...(thoughts ? { thoughtsTokenCount: thoughts } : {}), totalTokenCount: prompt + candidates + thoughts };
}

/**
 * The parts of a reply. Gemini's own ids for function calls are optional; the fake sends them so a
 * test can follow a call to its response. The reasoning signature rides on the first call (or text)
 * part, as Gemini sends `thoughtSignature`.
 */
function parts(turn: ReplyTurn, split: boolean) {
  const result: Record<string, unknown>[] = [];
  if (turn.reasoning) {
    for (const piece of split ? piecesOf(turn.reasoning.text) : [turn.reasoning.text]) result.push({ text: piece, thought: true });
  }
  const signature = turn.reasoning ? { thoughtSignature: turn.reasoning.signature } : {};
  const textPieces = turn.text ? (split ? piecesOf(turn.text) : [turn.text]) : [];
  textPieces.forEach((piece, index) => result.push({ text: piece, ...(index === 0 && !turn.toolCalls.length ? signature : {}) }));
  turn.toolCalls.forEach((call, index) =>
    result.push({ functionCall: { id: call.id, name: call.name, args: JSON.parse(call.arguments) as unknown }, ...(index === 0 ? signature : {}) }),
  );
  return result;
}

/** A GenerateContentResponse body for `:generateContent`. */
export function geminiResponse(model: string, turn: ReplyTurn, promptChars: number) {
  return {
    candidates: [{ content: { role: 'model', parts: parts(turn, false) }, finishReason: finishReason(turn), index: 0 }],
    usageMetadata: usageMetadata(promptChars, turn),
    modelVersion: model,
  };
}

/** The chunks of `:streamGenerateContent?alt=sse`: a part per chunk, the last with the finish reason and usage. */
export function geminiChunks(model: string, turn: ReplyTurn, promptChars: number) {
  const all = parts(turn, true);
  const chunks: Record<string, unknown>[] = all.map((part) => ({ candidates: [{ content: { role: 'model', parts: [part] }, index: 0 }], modelVersion: model }));
  chunks.push({ candidates: [{ content: { role: 'model', parts: [] }, finishReason: finishReason(turn), index: 0 }], usageMetadata: usageMetadata(promptChars, turn), modelVersion: model });
  return chunks;
}

const STATUS_NAMES: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' };

export function geminiError(status: number, message: string) {
  return { error: { code: status, message, status: STATUS_NAMES[status] ?? 'UNKNOWN' } };
}
