import type { Message, StoredToolCall, StoredToolReturn } from '../domain/message.js';
import { isHiddenUserMessage, textOf } from '../domain/message.js';
import type { MESSAGE_TYPES } from '../schemas/messages.js';

export type LettaMessageType = (typeof MESSAGE_TYPES)[number];
export type LettaMessageWire = Record<string, unknown> & { id: string; message_type: LettaMessageType };

export interface LettaMessageOptions {
  /** Show `send_message` calls as assistant messages (the memgpt agent types). */
  useAssistantMessage?: boolean;
  assistantMessageToolName?: string;
  assistantMessageToolKwarg?: string;
}

/** `2025-01-02T03:04:05.678+00:00`, as Letta dates messages. */
function wireDate(iso: string): string {
  return iso.replace(/Z$/, '+00:00');
}

/** The part's otid: the message's uuid with its low 7 bits replaced by the part's index. */
export function otidOf(messageId: string, index: number): string {
  const uuid = messageId.slice(messageId.indexOf('-') + 1);
  const last = Number.parseInt(uuid.slice(-2), 16);
  return `${uuid.slice(0, -2)}${((last & 0x80) | (index & 0x7f)).toString(16).padStart(2, '0')}`;
}

function base(message: Message, messageType: LettaMessageType, index: number): LettaMessageWire {
  return {
    id: message.id,
    date: wireDate(message.createdAt),
    name: message.name,
    message_type: messageType,
    otid: message.otid && index === 0 ? message.otid : otidOf(message.id, index),
    sender_id: message.senderId,
    step_id: message.stepId,
    is_err: message.isErr,
    seq_id: null,
    run_id: message.runId,
  };
}

function toolCallWire(call: StoredToolCall) {
  return { name: call.function.name, arguments: call.function.arguments, tool_call_id: call.id };
}

/** One stored message as the LettaMessages a client sees (reasoning, then text, then tool calls). */
export function toLettaMessages(message: Message, options: LettaMessageOptions = {}): LettaMessageWire[] {
  const parts: LettaMessageWire[] = [];
  const push = (messageType: LettaMessageType, fields: Record<string, unknown>) => parts.push({ ...base(message, messageType, parts.length), ...fields });
  switch (message.role) {
    case 'system':
      push('system_message', { content: textOf(message) });
      break;
    case 'user': {
      if (isHiddenUserMessage(message)) break;
      const onlyText = message.content.every((part) => part.type === 'text');
      push('user_message', { content: onlyText ? textOf(message) : message.content });
      break;
    }
    case 'assistant': {
      for (const part of message.content) {
        if (part.type === 'reasoning') push('reasoning_message', { source: 'reasoner_model', reasoning: part.reasoning, signature: part.signature ?? null });
        else if (part.type === 'redacted_reasoning') push('hidden_reasoning_message', { state: 'redacted', hidden_reasoning: part.data ?? null });
        else if (part.type === 'text' && typeof part.text === 'string' && part.text) push('assistant_message', { content: part.text });
      }
      const calls = (message.toolCalls ?? []) as StoredToolCall[];
      const assistantTool = options.assistantMessageToolName ?? 'send_message';
      const kwarg = options.assistantMessageToolKwarg ?? 'message';
      const shown: StoredToolCall[] = [];
      for (const call of calls) {
        if (options.useAssistantMessage && call.function.name === assistantTool) {
          let content: unknown = call.function.arguments;
          try {
            content = (JSON.parse(call.function.arguments) as Record<string, unknown>)[kwarg] ?? '';
          } catch {
            // Unparsable arguments are shown as sent.
          }
          push('assistant_message', { content });
        } else shown.push(call);
      }
      if (shown.length) push('tool_call_message', { tool_call: toolCallWire(shown[0]!), tool_calls: shown.map(toolCallWire) });
      break;
    }
    case 'approval': {
      if (message.toolCalls?.length) {
        for (const part of message.content) {
          if (part.type === 'reasoning') push('reasoning_message', { source: 'reasoner_model', reasoning: part.reasoning, signature: part.signature ?? null });
          else if (part.type === 'text' && typeof part.text === 'string' && part.text) push('assistant_message', { content: part.text });
        }
        const calls = (message.toolCalls as StoredToolCall[]).map(toolCallWire);
        push('approval_request_message', { tool_call: calls[0], tool_calls: calls });
        break;
      }
      const approvals = (message.approvals ?? []).map((entry) =>
        entry.type === 'tool'
          ? { type: 'tool', tool_return: entry.tool_return, status: entry.status, tool_call_id: entry.tool_call_id, stdout: entry.stdout, stderr: entry.stderr }
          : { type: 'approval', tool_call_id: entry.tool_call_id, approve: entry.approve, reason: entry.reason },
      );
      const first = message.approvals?.[0];
      push('approval_response_message', {
        approvals,
        approve: first?.type === 'approval' ? first.approve : null,
        approval_request_id: message.toolCallId,
        reason: first?.type === 'approval' ? first.reason : null,
      });
      break;
    }
    case 'tool': {
      const returns = (message.toolReturns ?? []) as StoredToolReturn[];
      // A send_message call is shown as the assistant's message; its bookkeeping return is not.
      if (!returns.length || (options.useAssistantMessage && message.name === (options.assistantMessageToolName ?? 'send_message'))) break;
      const wire = returns.map((ret) => ({ type: 'tool', tool_return: ret.func_response, status: ret.status, tool_call_id: ret.tool_call_id, stdout: ret.stdout, stderr: ret.stderr }));
      push('tool_return_message', {
        tool_return: wire[0]!.tool_return,
        status: wire[0]!.status,
        tool_call_id: wire[0]!.tool_call_id,
        stdout: wire[0]!.stdout,
        stderr: wire[0]!.stderr,
        tool_returns: wire,
      });
      break;
    }
  }
  return parts;
}

/** A page of messages as the list endpoints give it: only the message types named, when any are. */
export function toLettaMessageList(messages: Message[], options: LettaMessageOptions & { types?: string[] } = {}): LettaMessageWire[] {
  const parts = messages.flatMap((message) => toLettaMessages(message, options));
  const { types } = options;
  return types?.length ? parts.filter((part) => types.includes(part.message_type)) : parts;
}
