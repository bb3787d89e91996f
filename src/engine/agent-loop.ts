import type { ToolRule } from '../domain/agent.js';
import type { Message } from '../domain/message.js';
import { ProviderError } from '../providers/errors.js';
import {
  collectStream,
  type ChatMessage,
  type ModelClient,
  type ModelRequest,
  type ModelResponse,
  type ModelSettings,
  type ModelStreamPart,
  type ToolCall,
  type ToolDefinition,
  type Usage,
} from '../providers/model-client.js';
import { decideAfterStep } from './step-decision.js';
import type { StopReason } from './stop-reasons.js';
import { ToolRuleSolver } from './tool-rules.js';

export interface StepInput {
  system: string;
  messages: ChatMessage[];
  /** Every tool the model may be offered: the agent's and the request's client-side tools. */
  tools: ToolDefinition[];
  settings: ModelSettings;
  toolRules: ToolRule[];
  /** memgpt-style agents: a step continues only when a tool asks for a heartbeat. */
  heartbeats: boolean;
  /** Calls to these wait for the client: tools that need approval, and client-side tools. */
  awaitsClient: ReadonlySet<string>;
  /** Tools that may run at the same time as each other when the model calls several. */
  parallelSafe: ReadonlySet<string>;
}

export interface ToolOutcome {
  ok: boolean;
  result: string;
  stdout?: string[] | null;
  stderr?: string[] | null;
}

export interface ExecutedCall {
  call: ToolCall;
  outcome: ToolOutcome;
  /** A tool rule refused the call: it did not run. */
  refused?: boolean;
}

/** One step to persist. */
export interface StepRecord {
  /** The model's reply; absent when the step finishes calls an approval request left waiting. */
  response: ModelResponse | null;
  /** The assistant message's id (known before the model answers, for token streaming). */
  assistantId: string;
  executed: ExecutedCall[];
  /** Calls that wait for the client: the step ends the run with an approval request. */
  awaiting: ToolCall[];
  heartbeat: string | null;
}

/** A call of a waiting approval request, with the client's decision when it made one. */
export interface ResumedCall {
  call: ToolCall;
  /** A denial or a client-side result; absent when the call is to run now. */
  outcome?: ToolOutcome;
}

/** What the loop needs from the world; the messages service implements it over the store. */
export interface LoopPorts {
  model: ModelClient;
  /** The context for the next step: the system prompt compiled from current memory, and history. */
  prepare(): Promise<StepInput>;
  execute(call: ToolCall, args: Record<string, unknown>): Promise<ToolOutcome>;
  /** Persists one step's messages atomically and appends them to the context window. */
  commit(step: StepRecord): Promise<Message[]>;
  isCancelled(): Promise<boolean>;
  newMessageId(): string;
  /** Summarises older messages out of the context window; false when nothing could be removed. */
  compact?(): Promise<boolean>;
}

/** What a caller that streams sees while the loop runs. */
export interface LoopObserver {
  /**
   * Token streaming: the model's deltas, tagged with the id its assistant message will have, and the
   * tools whose calls will wait for the client (streamed as approval requests).
   */
  onModelPart?(part: ModelStreamPart, assistantId: string, awaitsClient: ReadonlySet<string>): void;
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

async function callModel(ports: LoopPorts, request: ModelRequest, assistantId: string, observer: LoopObserver, awaitsClient: ReadonlySet<string>): Promise<ModelResponse> {
  if (!observer.onModelPart) return ports.model.generate(request);
  const onPart = observer.onModelPart;
  async function* tee(): AsyncIterable<ModelStreamPart> {
    for await (const part of ports.model.stream(request)) {
      onPart(part, assistantId, awaitsClient);
      yield part;
    }
  }
  return collectStream(tee());
}

/**
 * Runs a step's calls: refused ones (outside `allowed`) and malformed ones fail without running;
 * rule-prefilled arguments override the model's; parallel-safe tools run together, the rest one at
 * a time, and the results keep the calls' order. A failed tool is a result, not an error.
 */
async function executeCalls(ports: LoopPorts, calls: ResumedCall[], solver: ToolRuleSolver, allowed: ReadonlySet<string> | null, parallelSafe: ReadonlySet<string>): Promise<ExecutedCall[]> {
  const runOne = async ({ call, outcome }: ResumedCall): Promise<ExecutedCall> => {
    if (outcome) return { call, outcome };
    if (allowed && !allowed.has(call.name)) {
      const permitted = allowed.size ? `the tools allowed now are: ${[...allowed].join(', ')}` : 'no tool may be called now';
      return { call, refused: true, outcome: { ok: false, result: `[ToolConstraintError] Cannot call ${call.name}: ${permitted}` } };
    }
    const args = parseArguments(call);
    if (typeof args === 'string') return { call, outcome: { ok: false, result: `Invalid call to ${call.name}: ${args}` } };
    // The heartbeat flag is the loop's, not the tool's.
    const { request_heartbeat: _heartbeat, ...toolArgs } = args;
    return { call, outcome: await ports.execute(call, { ...toolArgs, ...solver.prefilledArgs(call.name) }) };
  };
  const results: ExecutedCall[] = new Array(calls.length);
  const together = calls.map((call, index) => ({ call, index })).filter(({ call }) => calls.length > 1 && parallelSafe.has(call.call.name));
  await Promise.all(together.map(async ({ call, index }) => (results[index] = await runOne(call))));
  for (const [index, call] of calls.entries()) if (!results[index]) results[index] = await runOne(call);
  for (const { call, outcome, refused } of results) if (!refused) solver.register(call.name, outcome.result);
  return results;
}

/**
 * The agent loop: call the model with the tools the rules allow; pause for the client when a call
 * needs approval or is client-side; run the other calls; persist the step; decide (see
 * step-decision.ts) whether to go on, until a stop reason, a cancel or `maxSteps`. A failed model call
 * persists nothing of that step, so the context stays valid. `resume` finishes the calls of an
 * approval request first.
 */
export async function runAgentLoop(ports: LoopPorts, maxSteps: number, observer: LoopObserver = {}, resume?: ResumedCall[]): Promise<LoopResult> {
  const messages: Message[] = [];
  const usage: UsageTotals = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, stepCount: 0, contextTokens: 0 };
  const done = (stopReason: StopReason, error?: Error): LoopResult => ({ stopReason, messages, usage, ...(error ? { error } : {}) });
  let solver: ToolRuleSolver | undefined;
  let compactedAfterOverflow = false;
  const commit = async (step: StepRecord) => {
    const committed = await ports.commit(step);
    messages.push(...committed);
    observer.onStepCommitted?.(committed);
  };

  for (let step = 0; step < maxSteps; step++) {
    if (observer.signal?.aborted || (await ports.isCancelled())) return done('cancelled');
    const input = await ports.prepare();
    solver ??= new ToolRuleSolver(input.toolRules);
    const available = input.tools.map((tool) => tool.name);
    const rules = { heartbeats: input.heartbeats, solver, available };

    if (step === 0 && resume?.length) {
      const executed = await executeCalls(ports, resume, solver, null, input.parallelSafe);
      const decision = decideAfterStep({ unified: 'tool-calls', raw: 'approval' }, executed, rules);
      await commit({ response: null, assistantId: ports.newMessageId(), executed, awaiting: [], heartbeat: decision.continue ? decision.heartbeat : null });
      if (!decision.continue) return done(decision.stopReason);
      continue;
    }

    const choice = solver.choiceFor(available);
    const tools = choice.allowed ? input.tools.filter((tool) => choice.allowed!.has(tool.name)) : input.tools;
    const assistantId = ports.newMessageId();
    let response: ModelResponse;
    try {
      const request: ModelRequest = { system: input.system, messages: input.messages, tools, settings: input.settings, signal: observer.signal };
      if (choice.mustCall && tools.length) request.toolChoice = 'required';
      response = await callModel(ports, request, assistantId, observer, input.awaitsClient);
    } catch (error) {
      if (observer.signal?.aborted) return done('cancelled');
      // The provider says the context is too long: compact it and take the step again, once.
      if (error instanceof ProviderError && error.type === 'llm_context_window_exceeded' && ports.compact && !compactedAfterOverflow) {
        compactedAfterOverflow = true;
        if (await ports.compact()) {
          step--;
          continue;
        }
      }
      if (error instanceof ProviderError) return done(stopReasonForProviderError(error), error);
      throw error;
    }
    compactedAfterOverflow = false;
    usage.inputTokens += response.usage.inputTokens;
    usage.outputTokens += response.usage.outputTokens;
    usage.cachedInputTokens += response.usage.cachedInputTokens;
    usage.cacheWriteTokens += response.usage.cacheWriteTokens;
    usage.reasoningTokens += response.usage.reasoningTokens;
    usage.stepCount += 1;
    usage.contextTokens = response.usage.inputTokens + response.usage.outputTokens;

    const awaiting = response.toolCalls.filter((call) => input.awaitsClient.has(call.name));
    if (awaiting.length) {
      await commit({ response, assistantId, executed: [], awaiting, heartbeat: null });
      return done('requires_approval');
    }
    const executed = await executeCalls(ports, response.toolCalls.map((call) => ({ call })), solver, choice.allowed, input.parallelSafe);
    const decision = decideAfterStep(response.finishReason, executed, rules);
    await commit({ response, assistantId, executed, awaiting: [], heartbeat: decision.continue ? decision.heartbeat : null });
    if (!decision.continue) return done(decision.stopReason);
  }
  return done('max_steps');
}
