import { isApprovalRequest, type Message, type StoredApproval, type StoredToolCall } from '../domain/message.js';
import type { ResumedCall, ToolOutcome } from '../engine/agent-loop.js';
import { ConflictError, ValidationError } from '../errors.js';
import type { ToolCall } from '../providers/model-client.js';
import type { ApprovalCreate } from '../schemas/messages.js';

/** An approval request the agent waits on, and the calls of its step that run without asking. */
export interface PendingApproval {
  request: Message;
  waiting: ToolCall[];
  runnable: ToolCall[];
}

function callsOf(message: Message): ToolCall[] {
  return ((message.toolCalls ?? []) as StoredToolCall[]).map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments }));
}

/** The pending approval, when the context window ends with an approval request. */
export function pendingApprovalIn(tail: Message[]): PendingApproval | null {
  const request = tail.at(-1);
  if (!request || !isApprovalRequest(request)) return null;
  const before = tail.at(-2);
  const runnable = before?.role === 'assistant' && before.stepId === request.stepId && before.toolCalls?.length ? callsOf(before) : [];
  return { request, waiting: callsOf(request), runnable };
}

export function denialResult(reason: string | null | undefined): string {
  return `Error: request to call tool denied. User reason: ${reason?.trim() || 'none given'}`;
}

function textOfToolReturn(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((part) => (typeof part?.text === 'string' ? part.text : JSON.stringify(part))).join('');
  return JSON.stringify(value);
}

/**
 * Matches the client's answer to the waiting calls. Every waiting call needs exactly one answer: an
 * approval (it runs), a denial (it fails with the reason) or a client-side tool's result. The calls
 * that run without asking come first, in the order the model made them.
 */
export function resumeCalls(pending: PendingApproval, answer: ApprovalCreate, path: string): { calls: ResumedCall[]; stored: StoredApproval[] } {
  if (answer.approval_request_id && answer.approval_request_id !== pending.request.id) {
    throw new ConflictError(`${path}.approval_request_id: the pending approval request is ${pending.request.id}, not ${answer.approval_request_id}`, 'APPROVAL_MISMATCH');
  }
  const waitingIds = new Set(pending.waiting.map((call) => call.id));
  const stored: StoredApproval[] = answer.approvals
    ? answer.approvals.map((entry) => {
        // Older clients answer with the request's message id; Letta reads that as its first call.
        const toolCallId = entry.tool_call_id === pending.request.id ? pending.waiting[0]!.id : entry.tool_call_id;
        return entry.type === 'tool'
          ? { type: 'tool', tool_call_id: toolCallId, tool_return: entry.tool_return, status: entry.status, stdout: entry.stdout ?? null, stderr: entry.stderr ?? null }
          : { type: 'approval', tool_call_id: toolCallId, approve: entry.approve, reason: entry.reason ?? null };
      })
    : pending.waiting.map((call) => ({ type: 'approval', tool_call_id: call.id, approve: answer.approve === true, reason: answer.reason ?? null }));

  const answers = new Map<string, StoredApproval>();
  stored.forEach((entry, index) => {
    if (!waitingIds.has(entry.tool_call_id)) {
      throw ValidationError.field(`${path}.approvals[${index}].tool_call_id`, `"${entry.tool_call_id}" is not a call waiting in ${pending.request.id} (waiting: ${[...waitingIds].join(', ')})`);
    }
    if (answers.has(entry.tool_call_id)) throw ValidationError.field(`${path}.approvals[${index}].tool_call_id`, `"${entry.tool_call_id}" is answered twice`);
    answers.set(entry.tool_call_id, entry);
  });
  const unanswered = pending.waiting.filter((call) => !answers.has(call.id));
  if (unanswered.length) {
    throw ValidationError.field(`${path}.approvals`, `every waiting call needs an answer; missing: ${unanswered.map((call) => `${call.name} (${call.id})`).join(', ')}`);
  }
  const outcomeOf = (entry: StoredApproval): ToolOutcome | undefined => {
    if (entry.type === 'tool') return { ok: entry.status === 'success', result: textOfToolReturn(entry.tool_return), stdout: entry.stdout, stderr: entry.stderr };
    return entry.approve ? undefined : { ok: false, result: denialResult(entry.reason) };
  };
  const calls: ResumedCall[] = [
    ...pending.runnable.map((call) => ({ call })),
    ...pending.waiting.map((call) => {
      const outcome = outcomeOf(answers.get(call.id)!);
      return outcome ? { call, outcome } : { call };
    }),
  ];
  return { calls, stored };
}
