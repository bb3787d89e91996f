import type { Message } from '../domain/message.js';
import { ProviderError } from '../providers/errors.js';
import { collectStream, type ChatMessage, type ModelClient, type ModelRequest, type ModelResponse, type ModelSettings, type ModelStreamPart, type ToolCall, type ToolDefinition, type Usage } from '../providers/model-client.js';
import { decideAfterStep, type StepRules } from './step-decision.js';
import type { StopReason } from './stop-reasons.js';

export interface StepInput {
  system: string;
  messages: ChatMessage[];
  tools: ToolDefinition[];
  settings: ModelSettings;
  rules: StepRules;
}

export interface ToolOutcome {
  ok: boolean;
  result: string;
}

export interface ExecutedCall {
  call: ToolCall;
  outcome: ToolOutcome;
}

/** What the loop needs from the world; the messages service implements it over the store. */
export interface LoopPorts {
  model: ModelClient;
  /** The context for the next step: the system prompt compiled from current memory, and history. */
  prepare(): Promise<StepInput>;
  execute(call: ToolCall, args: Record<string, unknown>): Promise<ToolOutcome>;
  /** Persists one step's messages atomically (the assistant message under `assistantId`) and appends them to the context window. */
  commit(response: ModelResponse, executed: ExecutedCall[], assistantId: string, heartbeat: string | null): Promise<Message[]>;
  isCancelled(): Promise<boolean>;
  newMessageId(): string;
}

/** What a caller that streams sees while the loop runs. */
export interface LoopObserver {
  /** Token streaming: the model's deltas, tagged with the id its assistant message will have. */
  onModelPart?(part: ModelStreamPart, assistantId: string): void;
  /** A step's messages, once committed. */
  onStepCommitted?(messages: Message[]): void;
  signal?: AbortSignal;
}

export interface UsageTotals extends Usage {
  stepCount: number;
  /** The last step's prompt plus completion: how full the context window is. */
  contextTokens: number;
}

export interface LoopResult {
  stopReason: StopReason;
  messages: Message[];
  usage: UsageTotals;
  error?: Error;
}

/** The stop reason a failed model call gives. */
export function stopReasonForProviderError(error: ProviderError): StopReason {
  if (error.type === 'llm_invalid_response' || error.type === 'llm_empty_response') return 'invalid_llm_response';
  return 'llm_api_error';
}

function parseArguments(call: ToolCall): Record<string, unknown> | string {
  if (!call.arguments.trim()) return {};
  try {
    const parsed: unknown = JSON.parse(call.arguments);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : 'the arguments must be a JSON object';
  } catch {
    return 'the arguments are not valid JSON';
  }
}

/**
 * The agent loop: call the model; run the tools it asked for (a failed tool is a result, not an
 * error); persist the step; decide (see step-decision.ts) whether to go on, until a stop reason, a
 * cancel or `maxSteps`. A failed model call persists nothing of that step, so the context stays valid.
 */
async function callModel(ports: LoopPorts, request: ModelRequest, assistantId: string, observer: LoopObserver): Promise<ModelResponse> {
  if (!observer.onModelPart) return ports.model.generate(request);
  const onPart = observer.onModelPart;
  async function* tee(): AsyncIterable<ModelStreamPart> {
    for await (const part of ports.model.stream(request)) {
      onPart(part, assistantId);
      yield part;
    }
  }
  return collectStream(tee());
}

export async function runAgentLoop(ports: LoopPorts, maxSteps: number, observer: LoopObserver = {}): Promise<LoopResult> {
  const messages: Message[] = [];
  const usage: UsageTotals = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, stepCount: 0, contextTokens: 0 };
  const done = (stopReason: StopReason, error?: Error): LoopResult => ({ stopReason, messages, usage, ...(error ? { error } : {}) });

  for (let step = 0; step < maxSteps; step++) {
    if (observer.signal?.aborted || (await ports.isCancelled())) return done('cancelled');
    const input = await ports.prepare();
    const assistantId = ports.newMessageId();
    let response: ModelResponse;
    try {
      response = await callModel(ports, { system: input.system, messages: input.messages, tools: input.tools, settings: input.settings, signal: observer.signal }, assistantId, observer);
    } catch (error) {
      if (observer.signal?.aborted) return done('cancelled');
      if (error instanceof ProviderError) return done(stopReasonForProviderError(error), error);
      throw error;
    }
    const executed: ExecutedCall[] = [];
    for (const call of response.toolCalls) {
      const args = parseArguments(call);
      executed.push({ call, outcome: typeof args === 'string' ? { ok: false, result: `Invalid call to ${call.name}: ${args}` } : await ports.execute(call, args) });
    }
    const decision = decideAfterStep(response, executed, input.rules);
    const committed = await ports.commit(response, executed, assistantId, decision.continue ? decision.heartbeat : null);
    messages.push(...committed);
    observer.onStepCommitted?.(committed);
    usage.inputTokens += response.usage.inputTokens;
    usage.outputTokens += response.usage.outputTokens;
    usage.cachedInputTokens += response.usage.cachedInputTokens;
    usage.cacheWriteTokens += response.usage.cacheWriteTokens;
    usage.reasoningTokens += response.usage.reasoningTokens;
    usage.stepCount += 1;
    usage.contextTokens = response.usage.inputTokens + response.usage.outputTokens;
    if (!decision.continue) return done(decision.stopReason);
  }
  return done('max_steps');
}
