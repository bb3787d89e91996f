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
