/**
 * The contract between the agent engine and every chat model provider. Types only: a provider
 * adapter turns these into its wire format and back. Changing a shape here means a new version.
 */

export interface TextPart {
  type: 'text';
  text: string;
}

export interface ImagePart {
  type: 'image';
  /** base64 data with its media type, or a URL the provider fetches itself. */
  source: { kind: 'base64'; mediaType: string; data: string } | { kind: 'url'; url: string };
}

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text, exactly as the model produced it. */
  arguments: string;
}

/** Reasoning the model showed; `signature` (Anthropic) must be sent back unchanged. */
export interface Reasoning {
  text: string;
  signature?: string;
  /** Redacted reasoning, opaque to us. */
  redacted?: string;
}

export type ChatMessage =
  | { role: 'user'; content: (TextPart | ImagePart)[] }
  | { role: 'assistant'; text: string; reasoning?: Reasoning[]; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; toolName: string; content: string; isError?: boolean };

export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export type ToolChoice = 'auto' | 'required' | 'none' | { name: string };

export interface ModelSettings {
  temperature?: number;
  maxOutputTokens?: number;
  parallelToolCalls?: boolean;
  reasoningEffort?: 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';
  /** Anthropic extended thinking budget; 0 or absent disables it. */
  thinkingBudgetTokens?: number;
  responseFormat?: { type: 'text' } | { type: 'json_object' } | { type: 'json_schema'; json_schema: Record<string, unknown> };
}

export interface ModelRequest {
  system: string;
  messages: ChatMessage[];
  tools: ToolDefinition[];
  toolChoice?: ToolChoice;
  settings: ModelSettings;
  signal?: AbortSignal;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
}

export type UnifiedFinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';

export interface FinishReason {
  unified: UnifiedFinishReason;
  /** The provider's own value, for logs. */
  raw: string | null;
}

/** What a streaming call yields, in order; noun-verb names as in the AI SDK. */
export type ModelStreamPart =
  | { type: 'text-delta'; delta: string }
  | { type: 'reasoning-delta'; delta: string }
  | { type: 'reasoning-end'; signature?: string; redacted?: string }
  | { type: 'tool-call-start'; index: number; id: string; name: string }
  | { type: 'tool-call-delta'; index: number; id: string; argumentsDelta: string }
  | { type: 'finish'; finishReason: FinishReason; usage: Usage; warnings: string[] };

/** A whole reply, as a non-streaming call (or a collected stream) gives it. */
export interface ModelResponse {
  text: string;
  reasoning: Reasoning[];
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: Usage;
  warnings: string[];
}

export interface ModelClient {
  readonly provider: string;
  readonly modelId: string;
  generate(request: ModelRequest): Promise<ModelResponse>;
  stream(request: ModelRequest): AsyncIterable<ModelStreamPart>;
}

export function emptyUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
}

/** Folds a stream into the whole reply, as `generate` would have returned it. */
export async function collectStream(parts: AsyncIterable<ModelStreamPart>): Promise<ModelResponse> {
  let text = '';
  const reasoning: Reasoning[] = [];
  let currentReasoning: Reasoning | undefined;
  const calls = new Map<number, ToolCall>();
  let finish: Extract<ModelStreamPart, { type: 'finish' }> | undefined;
  for await (const part of parts) {
    switch (part.type) {
      case 'text-delta':
        text += part.delta;
        break;
      case 'reasoning-delta':
        currentReasoning ??= { text: '' };
        currentReasoning.text += part.delta;
        break;
      case 'reasoning-end':
        reasoning.push({ ...(currentReasoning ?? { text: '' }), ...(part.signature ? { signature: part.signature } : {}), ...(part.redacted ? { redacted: part.redacted } : {}) });
        currentReasoning = undefined;
        break;
      case 'tool-call-start':
        calls.set(part.index, { id: part.id, name: part.name, arguments: '' });
        break;
      case 'tool-call-delta':
        calls.get(part.index)!.arguments += part.argumentsDelta;
        break;
      case 'finish':
        finish = part;
        break;
    }
  }
  if (currentReasoning) reasoning.push(currentReasoning);
  if (!finish) throw new Error('the model stream ended without a finish');
  return {
    text,
    reasoning,
    toolCalls: [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call),
    finishReason: finish.finishReason,
    usage: finish.usage,
    warnings: finish.warnings,
  };
}
