import type { AgentType } from '../domain/agent.js';
import type { NewMessage, StoredToolCall, StoredToolReturn } from '../domain/message.js';
import { newId } from '../ids.js';

const BOOT_AGENT_TYPES = new Set<AgentType>(['memgpt_agent', 'memgpt_v2_agent', 'split_thread_agent']);

/**
 * The boot sequence memgpt-style agents start with (a greeting sent with send_message, its return,
 * and a login event); letta_v1 agents start with their system message alone.
 */
export function defaultInitialMessages(agentType: AgentType, agentId: string, conversationId: string, now = new Date()): NewMessage[] {
  if (!BOOT_AGENT_TYPES.has(agentType)) return [];
  const callId = `call_${newId('message').slice(-12)}`;
  const call: StoredToolCall = { id: callId, type: 'function', function: { name: 'send_message', arguments: JSON.stringify({ message: 'Hi! I am ready to help.' }) } };
  const result: StoredToolReturn = { tool_call_id: callId, status: 'success', func_response: 'None', stdout: null, stderr: null };
  const time = now.toISOString();
  return [
    { agentId, conversationId, role: 'assistant', content: [{ type: 'text', text: 'The user is here: time to greet them.' }], toolCalls: [call] },
    {
      agentId,
      conversationId,
      role: 'tool',
      name: 'send_message',
      toolCallId: callId,
      toolReturns: [result],
      content: [{ type: 'text', text: JSON.stringify({ status: 'OK', message: 'None', time }, null, 2) }],
    },
    { agentId, conversationId, role: 'user', content: [{ type: 'text', text: JSON.stringify({ type: 'login', last_login: 'Never (first login)', time }) }] },
  ];
}
