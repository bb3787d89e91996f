/** One request's work on a conversation: its status, stop reason and usage. */
export interface Run {
  id: string;
  agentId: string;
  conversationId: string | null;
  status: string;
  stopReason: string | null;
  background: boolean;
  requestConfig: Record<string, unknown> | null;
  metadata: Record<string, unknown> | null;
  usage: Record<string, unknown> | null;
  owner: string | null;
  totalDurationNs: number | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

/** One model call of a run, with what it cost. */
export interface Step {
  id: string;
  runId: string | null;
  agentId: string;
  conversationId: string | null;
  providerName: string | null;
  providerCategory: string | null;
  model: string | null;
  modelEndpoint: string | null;
  contextWindowLimit: number | null;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** The engine's usage totals: cachedInputTokens, cacheWriteTokens, reasoningTokens. */
  usage: Record<string, number>;
  stopReason: string | null;
  status: string;
  errorType: string | null;
  errorData: unknown;
  createdAt: string;
  completedAt: string | null;
}
