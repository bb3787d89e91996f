import type { ContentPart, NewMessage, StoredToolCall, StoredToolReturn } from '../domain/message.js';
import type { StepRecord } from '../engine/agent-loop.js';
import { packageToolResult } from '../engine/context.js';
import { newId } from '../ids.js';
import type { ModelResponse, ToolCall } from '../providers/model-client.js';

export interface StepMessageContext {
  agentId: string;
  conversationId: string;
  runId: string;
  stepId: string;
  timezone: string;
  modelId: string;
}

function contentOf(response: ModelResponse): ContentPart[] {
  return [
    ...response.reasoning.map((reasoning) =>
      reasoning.redacted ? { type: 'redacted_reasoning', data: reasoning.redacted } : { type: 'reasoning', reasoning: reasoning.text, signature: reasoning.signature ?? null },
    ),
    ...(response.text ? [{ type: 'text', text: response.text }] : []),
  ];
}

function storedCalls(calls: ToolCall[]): StoredToolCall[] | null {
  return calls.length ? calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })) : null;
}

/**
 * The messages one step stores, in order: the model's assistant message (split, when calls wait for
 * the client, into the calls that run without asking and an `approval` message with the waiting
 * ones, as Letta stores them); one tool message with every result; a heartbeat when the loop goes on.
 */
export function stepMessages(step: StepRecord, context: StepMessageContext): NewMessage[] {
  const { agentId, conversationId, runId, stepId } = context;
  const common = { agentId, conversationId, runId, stepId };
  const messages: NewMessage[] = [];
  if (step.response) {
    const content = contentOf(step.response);
    const waiting = new Set(step.awaiting.map((call) => call.id));
    const running = step.response.toolCalls.filter((call) => !waiting.has(call.id));
    if (!step.awaiting.length || running.length) {
      messages.push({ ...common, id: step.assistantId, role: 'assistant', content, toolCalls: storedCalls(running), model: context.modelId });
    }
    if (step.awaiting.length) {
      messages.push({
        ...common,
        id: running.length ? newId('message') : step.assistantId,
        role: 'approval',
        content: running.length ? [] : content,
        toolCalls: storedCalls(step.awaiting),
        toolCallId: step.awaiting[0]!.id,
        model: context.modelId,
      });
    }
  }
  if (step.executed.length) {
    const returns: StoredToolReturn[] = step.executed.map(({ call, outcome }) => ({
      tool_call_id: call.id,
      status: outcome.ok ? 'success' : 'error',
      func_response: outcome.result,
      stdout: outcome.stdout ?? null,
      stderr: outcome.stderr ?? null,
    }));
    messages.push({
      ...common,
      role: 'tool',
      name: step.executed.map(({ call }) => call.name).join(','),
      toolCallId: step.executed[0]!.call.id,
      toolReturns: returns,
      content: step.executed.map(({ outcome }) => ({ type: 'text', text: packageToolResult(outcome.ok, outcome.result, context.timezone) })),
    });
  }
  if (step.heartbeat) {
    messages.push({ agentId, conversationId, runId, role: 'user', content: [{ type: 'text', text: JSON.stringify({ type: 'heartbeat', reason: step.heartbeat, time: new Date().toISOString() }) }] });
  }
  return messages;
}
