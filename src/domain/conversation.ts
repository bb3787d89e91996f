/** One thread of an agent: its own context window over the agent's shared memory and tools. */
export interface Conversation {
  id: string;
  agentId: string;
  isDefault: boolean;
  description: string | null;
  summary: string | null;
  archived: boolean;
  archivedAt: string | null;
  hidden: boolean;
  model: string | null;
  modelSettings: Record<string, unknown> | null;
  contextWindowLimit: number | null;
  inContextMessageIds: string[];
  createdAt: string;
  updatedAt: string;
}

export interface ConversationFields {
  description?: string | null;
  summary?: string | null;
  hidden?: boolean;
  model?: string | null;
  modelSettings?: Record<string, unknown> | null;
  contextWindowLimit?: number | null;
}
