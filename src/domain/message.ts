export const MESSAGE_ROLES = ['system', 'user', 'assistant', 'tool', 'approval'] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];

export type ContentPart = { type: string } & Record<string, unknown>;

/** A stored message, as the model saw or produced it. */
export interface Message {
  id: string;
  seq: number;
  agentId: string;
  conversationId: string;
  role: MessageRole;
  content: ContentPart[];
  name: string | null;
  toolCalls: unknown[] | null;
  toolCallId: string | null;
  toolReturns: unknown[] | null;
  /** On an approval response: the client's decisions and client-side results. */
  approvals: StoredApproval[] | null;
  stepId: string | null;
  runId: string | null;
  otid: string | null;
  senderId: string | null;
  groupId: string | null;
  isErr: boolean | null;
  model: string | null;
  createdAt: string;
}

export type NewMessage = Pick<Message, 'agentId' | 'conversationId' | 'role' | 'content'> &
  Partial<Omit<Message, 'seq' | 'agentId' | 'conversationId' | 'role' | 'content'>>;

export function textOf(message: Pick<Message, 'content'>): string {
  return message.content
    .filter((part) => part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text as string)
    .join('');
}

/** A call the model made, stored on its assistant message. */
export interface StoredToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** One tool result, stored on the tool message that answers its call. */
export interface StoredToolReturn {
  tool_call_id: string;
  status: 'success' | 'error';
  func_response: string;
  stdout: string[] | null;
  stderr: string[] | null;
}

/** One answer of an approval response, as the client sent it. */
export type StoredApproval =
  | { type: 'approval'; tool_call_id: string; approve: boolean; reason: string | null }
  | { type: 'tool'; tool_call_id: string; tool_return: unknown; status: 'success' | 'error'; stdout: string[] | null; stderr: string[] | null };

/** An approval request: the calls waiting for the client. */
export function isApprovalRequest(message: Pick<Message, 'role' | 'toolCalls'>): boolean {
  return message.role === 'approval' && Boolean(message.toolCalls?.length);
}

/** Heartbeats and other loop-internal user messages are never shown to clients. */
export function isHiddenUserMessage(message: Pick<Message, 'role' | 'content'>): boolean {
  if (message.role !== 'user') return false;
  const text = textOf(message);
  if (!text.startsWith('{')) return false;
  try {
    const parsed = JSON.parse(text) as { type?: string };
    return parsed.type === 'heartbeat' || parsed.type === 'system_alert' || parsed.type === 'login';
  } catch {
    return false;
  }
}
