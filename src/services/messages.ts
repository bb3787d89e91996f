import type { AgentRecord, ToolRule } from '../domain/agent.js';
import type { ContentPart, Message, NewMessage, StoredToolCall, StoredToolReturn } from '../domain/message.js';
import type { PageRequest } from '../domain/pagination.js';
import { runAgentLoop, type ExecutedCall, type LoopObserver, type LoopPorts, type LoopResult } from '../engine/agent-loop.js';
import type { StepRules } from '../engine/step-decision.js';
import type { AgentLocks } from '../engine/agent-locks.js';
import { packageToolResult, toChatMessages } from '../engine/context.js';
import { runStatusFor } from '../engine/stop-reasons.js';
import { ConflictError, NotImplementedError, ValidationError } from '../errors.js';
import { newId } from '../ids.js';
import { compileMemorySections, compileSystemPrompt, promptHasMemory, showsLineNumbers } from '../memory/compile-system-prompt.js';
import { defaultInitialMessages } from '../memory/initial-messages.js';
import type { ModelResponse, ModelSettings } from '../providers/model-client.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { SendMessagesRequest } from '../schemas/messages.js';
import type { ModelResolver } from './agents.js';
import { INSTANCE_ID } from './run-supervisor.js';
import type { Repositories } from '../store/repositories/index.js';
import type { Store } from '../store/store.js';
import { executeBuiltinTool, limitToolResult } from '../tools/builtin/executor.js';
import { DEFAULT_RETURN_CHAR_LIMIT } from '../domain/tool.js';


export interface SendResult {
  runId: string;
  result: LoopResult;
}

export interface StartedRun {
  runId: string;
  execute(observer?: LoopObserver): Promise<LoopResult>;
}

function emptyTotals(): LoopResult['usage'] {
  return { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, stepCount: 0, contextTokens: 0 };
}

function inputMessages(request: SendMessagesRequest): { role: 'user' | 'system' | 'assistant'; content: ContentPart[]; name?: string | null; otid?: string | null; senderId?: string | null }[] {
  if (request.input) {
    const content = typeof request.input === 'string' ? [{ type: 'text', text: request.input }] : (request.input as ContentPart[]);
    return [{ role: 'user', content }];
  }
  return (request.messages ?? []).map((message) => {
    if (message.type === 'approval') throw new NotImplementedError('Tool approvals');
    const create = message as Extract<typeof message, { role: string }>;
    return {
      role: create.role,
      content: typeof create.content === 'string' ? [{ type: 'text', text: create.content }] : (create.content as ContentPart[]),
      name: create.name,
      otid: create.otid,
      senderId: create.sender_id,
    };
  });
}

function modelSettingsOf(agent: AgentRecord, config: Record<string, unknown>): ModelSettings {
  const settings = agent.modelSettings ?? {};
  const maxTokens = (settings.max_output_tokens ?? config.max_tokens) as number | undefined | null;
  return {
    ...(typeof (settings.temperature ?? config.temperature) === 'number' ? { temperature: (settings.temperature ?? config.temperature) as number } : {}),
    ...(typeof maxTokens === 'number' ? { maxOutputTokens: maxTokens } : {}),
    ...(typeof (settings.parallel_tool_calls ?? config.parallel_tool_calls) === 'boolean' ? { parallelToolCalls: (settings.parallel_tool_calls ?? config.parallel_tool_calls) as boolean } : {}),
  };
}

const HEARTBEAT_AGENT_TYPES = new Set(['memgpt_agent', 'memgpt_v2_agent', 'split_thread_agent', 'voice_convo_agent']);

function toolNamesOfRule(rules: ToolRule[], type: string): Set<string> {
  return new Set(rules.filter((rule) => rule.type === type).map((rule) => rule.tool_name));
}

function stepRulesOf(agent: AgentRecord): StepRules {
  return {
    heartbeats: HEARTBEAT_AGENT_TYPES.has(agent.agentType),
    terminalTools: toolNamesOfRule(agent.toolRules, 'exit_loop'),
    continueTools: toolNamesOfRule(agent.toolRules, 'continue_loop'),
  };
}

/** memgpt-style agents ask for another step through a required `request_heartbeat` argument. */
function withHeartbeatParameter(parameters: Record<string, unknown>): Record<string, unknown> {
  const properties = { ...((parameters.properties as Record<string, unknown> | undefined) ?? {}) };
  properties.request_heartbeat = { type: 'boolean', description: 'Request an immediate heartbeat after the call completes, to take another step.' };
  const required = [...new Set([...((parameters.required as string[] | undefined) ?? []), 'request_heartbeat'])];
  return { ...parameters, properties, required };
}

/** Sending messages to an agent (its default conversation) and reading its history. */
export class MessageService {
  private readonly aborts = new Map<string, AbortController>();

  constructor(
    private readonly store: Store,
    private readonly providers: ProviderRegistry,
    private readonly models: ModelResolver,
    private readonly locks: AgentLocks,
  ) {}

  async send(agentId: string, request: SendMessagesRequest): Promise<SendResult> {
    const run = await this.start(agentId, request);
    return { runId: run.runId, result: await run.execute() };
  }

  /**
   * Validates the request and records its run, so a streaming caller knows the run id before any
   * output; `execute` then waits its turn on the conversation and runs the loop.
   */
  async start(agentId: string, request: SendMessagesRequest): Promise<StartedRun> {
    const inputs = inputMessages(request);
    const agent = await this.store.repos.agents.get(agentId);
    const llmConfig = request.override_model ? await this.overrideConfig(request.override_model) : agent.llmConfig;
    const model = this.providers.clientFor(llmConfig);
    const conversationId = await this.store.repos.agents.defaultConversationId(agentId);
    this.locks.assertRoom(conversationId);
    const run = await this.store.repos.runs.create({ agentId, conversationId, background: Boolean(request.background), requestConfig: { max_steps: request.max_steps }, owner: INSTANCE_ID });
    const execute = async (observer: LoopObserver = {}): Promise<LoopResult> => {
      const started = process.hrtime.bigint();
      // A cancel, or the caller going away, aborts the model call in flight.
      const controller = new AbortController();
      observer.signal?.addEventListener('abort', () => controller.abort(), { once: true });
      this.aborts.set(run.id, controller);
      observer = { ...observer, signal: controller.signal };
      let result: LoopResult;
      try {
        result = await this.locks.run(conversationId, run.id, () =>
          this.store.dialect.withCrossProcessLock(this.store.db, `conversation:${conversationId}`, async () => {
            await this.appendToContext(conversationId, inputs.map((input) => ({ ...input, agentId, conversationId, runId: run.id })));
            return runAgentLoop(this.portsFor(agentId, conversationId, run.id, model, llmConfig), request.max_steps, observer);
          }),
        );
      } catch (error) {
        // A send refused a place in the queue never ran: it leaves no run behind.
        if (error instanceof ConflictError && error.code === 'CONVERSATION_BUSY') await this.store.repos.runs.deleteUnstarted(run.id);
        else await this.finishRun(agentId, run.id, { stopReason: 'error', usage: emptyTotals() }, started);
        throw error;
      } finally {
        this.aborts.delete(run.id);
      }
      await this.finishRun(agentId, run.id, result, started);
      return result;
    };
    return { runId: run.id, execute };
  }

  private async finishRun(agentId: string, runId: string, result: Pick<LoopResult, 'stopReason' | 'usage'>, started: bigint): Promise<void> {
    const durationNs = Number(process.hrtime.bigint() - started);
    await this.store.transaction(async (repos) => {
      await repos.runs.finish(runId, { status: runStatusFor(result.stopReason), stopReason: result.stopReason, usage: { ...result.usage }, durationNs });
      await repos.agents.update(agentId, { lastRunCompletion: new Date().toISOString(), lastRunDurationMs: Math.round(durationNs / 1e6), lastStopReason: result.stopReason });
    });
  }

  /** Marks the agent's running runs (or the ones named) cancelled; the loop stops before its next step. */
  async cancel(agentId: string, runIds?: string[] | null): Promise<Record<string, string>> {
    await this.store.repos.agents.assertExists(agentId);
    const cancelled = await this.store.repos.runs.cancelRunning(agentId, runIds ?? undefined);
    if (!cancelled.length) throw new ConflictError(`Agent ${agentId} has no active run to cancel`, 'NOTHING_TO_CANCEL');
    for (const runId of cancelled) this.aborts.get(runId)?.abort();
    return Object.fromEntries(cancelled.map((runId) => [runId, 'cancelled']));
  }

  /** Clears the default conversation back to its system message (waiting for any run to finish). */
  async reset(agentId: string, addDefaultInitialMessages: boolean): Promise<void> {
    const agent = await this.store.repos.agents.get(agentId);
    const conversationId = await this.store.repos.agents.defaultConversationId(agentId);
    await this.locks.run(conversationId, `reset-${agentId}`, () =>
      this.store.dialect.withCrossProcessLock(this.store.db, `conversation:${conversationId}`, () =>
        this.store.transaction(async (repos) => {
          const [systemId] = await repos.agents.inContextIdsOfConversation(conversationId);
          await repos.messages.deleteConversationExcept(conversationId, systemId ? [systemId] : []);
          const initial = addDefaultInitialMessages ? await repos.messages.insertMany(defaultInitialMessages(agent.agentType, agentId, conversationId)) : [];
          await repos.agents.setInContextMessageIds(conversationId, [...(systemId ? [systemId] : []), ...initial.map((message) => message.id)]);
        }),
      ),
    );
  }

  async list(agentId: string, page: PageRequest): Promise<Message[]> {
    await this.store.repos.agents.assertExists(agentId);
    return this.store.repos.messages.list({ agentId }, page);
  }

  /** Inserts messages (and anything `alongside` writes) and appends them to the context window, atomically. */
  private async appendToContext(conversationId: string, messages: NewMessage[], alongside?: (repos: Repositories) => Promise<void>): Promise<Message[]> {
    return this.store.transaction(async (repos) => {
      await alongside?.(repos);
      const inserted = await repos.messages.insertMany(messages);
      const ids = await repos.agents.inContextIdsOfConversation(conversationId);
      await repos.agents.setInContextMessageIds(conversationId, [...ids, ...inserted.map((message) => message.id)]);
      return inserted;
    });
  }

  private async overrideConfig(handle: string): Promise<Record<string, unknown>> {
    try {
      return await this.models.llmConfigFor(handle);
    } catch (error) {
      if (error instanceof ValidationError) throw new ValidationError(error.issues.map((issue) => ({ ...issue, path: 'override_model' })));
      throw error;
    }
  }

  private portsFor(agentId: string, conversationId: string, runId: string, model: LoopPorts['model'], llmConfig: Record<string, unknown>): LoopPorts {
    const repos = this.store.repos;
    let agent: AgentRecord | undefined;
    let returnLimits = new Map<string, number>();
    // The run holds the conversation's lock, so between its steps the context only grows by what
    // the run itself commits: later steps read just the messages they have not seen.
    let context: Message[] = [];
    const loadContext = async (ids: string[]): Promise<Message[]> => {
      const known = context.length > 0 && context.length <= ids.length && context.every((message, index) => message.id === ids[index]);
      if (!known) context = await repos.messages.contextWindow(conversationId, ids);
      else if (context.length < ids.length) context = [...context, ...(await repos.messages.inOrder(ids.slice(context.length)))];
      return context;
    };
    return {
      model,
      // In one process a cancel aborts the run's signal directly; only a store other processes share
      // needs asking whether one of them cancelled it.
      isCancelled: async () => this.store.dialect.sharedByProcesses && (await repos.runs.status(runId)) === 'cancelled',
      prepare: async () => {
        agent = await repos.agents.get(agentId);
        const [blocks, tools, ids] = await Promise.all([
          repos.agents.blocksOf([agentId]).then((map) => map.get(agentId) ?? []),
          repos.agents.toolsOf([agentId]).then((map) => map.get(agentId) ?? []),
          repos.agents.inContextIdsOfConversation(conversationId),
        ]);
        const [system, ...history] = await loadContext(ids);
        // Keep the stored prompt (and its "last recompiled" time, which prompt caches key on) until
        // the memory in it changes; only then recompile and rewrite it.
        const memoryInput = { system: agent.system, blocks, toolRules: agent.toolRules, lineNumbers: showsLineNumbers(llmConfig) };
        const stored = typeof system?.content[0]?.text === 'string' ? (system.content[0].text as string) : undefined;
        let systemPrompt = stored ?? '';
        if (stored === undefined || !promptHasMemory(stored, compileMemorySections(memoryInput))) {
          systemPrompt = compileSystemPrompt({
            ...memoryInput,
            metadata: {
              agentId,
              conversationId: 'default',
              compiledAt: new Date(),
              timezone: agent.timezone,
              recallMessageCount: await repos.messages.countForAgent(agentId),
              archivalPassageCount: 0,
              archivalTags: [],
            },
          });
          if (system) {
            system.content = [{ type: 'text', text: systemPrompt }];
            await repos.messages.setContent(system.id, system.content);
          }
        }
        returnLimits = new Map(tools.map((tool) => [tool.name, tool.returnCharLimit]));
        const rules = stepRulesOf(agent);
        return {
          system: systemPrompt,
          messages: toChatMessages(history),
          tools: tools.map((tool) => {
            const parameters = tool.jsonSchema?.parameters ?? { type: 'object', properties: {} };
            return {
              name: tool.name,
              description: tool.jsonSchema?.description ?? tool.description ?? '',
              parameters: rules.heartbeats && !rules.terminalTools.has(tool.name) ? withHeartbeatParameter(parameters) : parameters,
            };
          }),
          settings: modelSettingsOf(agent, llmConfig),
          rules,
        };
      },
      execute: async (call, args) => {
        const outcome = await executeBuiltinTool(call.name, args, {
          blockByLabel: async (label) => {
            const blockId = await repos.agents.blockIdByLabel(agentId, label);
            return blockId ? repos.blocks.get(blockId) : undefined;
          },
          setBlockValue: async (block, value) => {
            await repos.blocks.update(block.id, { value });
          },
          searchMessages: async (query) =>
            (await repos.messages.search(agentId, query)).map((message) => ({ role: message.role, text: message.content.map((part) => String(part.text ?? '')).join(''), date: message.createdAt })),
        });
        return { ...outcome, result: limitToolResult(outcome.result, returnLimits.get(call.name) ?? DEFAULT_RETURN_CHAR_LIMIT) };
      },
      newMessageId: () => newId('message'),
      commit: async (response, executed, assistantId, heartbeat) => {
        const messages = this.stepMessages(agentId, conversationId, runId, response, executed, assistantId, agent?.timezone ?? 'UTC', String(model.modelId));
        if (heartbeat) {
          const time = new Date().toISOString();
          messages.push({ agentId, conversationId, runId, role: 'user', content: [{ type: 'text', text: JSON.stringify({ type: 'heartbeat', reason: heartbeat, time }) }] });
        }
        const stepId = messages[0]!.stepId!;
        return this.appendToContext(conversationId, messages, (repos) =>
          repos.steps.insert({
            id: stepId,
            runId,
            agentId,
            conversationId,
            providerName: model.provider,
            model: model.modelId,
            modelEndpoint: (llmConfig.model_endpoint as string | undefined) ?? null,
            contextWindowLimit: (llmConfig.context_window as number | undefined) ?? null,
            promptTokens: response.usage.inputTokens,
            completionTokens: response.usage.outputTokens,
            usage: { ...response.usage },
            stopReason: response.finishReason.raw,
          }),
        );
      },
    };
  }

  private stepMessages(
    agentId: string,
    conversationId: string,
    runId: string,
    response: ModelResponse,
    executed: ExecutedCall[],
    assistantId: string,
    timezone: string,
    modelId: string,
  ): NewMessage[] {
    const stepId = newId('step');
    const content: ContentPart[] = [
      ...response.reasoning.map((reasoning) =>
        reasoning.redacted ? { type: 'redacted_reasoning', data: reasoning.redacted } : { type: 'reasoning', reasoning: reasoning.text, signature: reasoning.signature ?? null },
      ),
      ...(response.text ? [{ type: 'text', text: response.text }] : []),
    ];
    const toolCalls: StoredToolCall[] = response.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }));
    const messages: NewMessage[] = [{ id: assistantId, agentId, conversationId, runId, stepId, role: 'assistant', content, toolCalls: toolCalls.length ? toolCalls : null, model: modelId }];
    if (executed.length) {
      const returns: StoredToolReturn[] = executed.map(({ call, outcome }) => ({ tool_call_id: call.id, status: outcome.ok ? 'success' : 'error', func_response: outcome.result, stdout: null, stderr: null }));
      messages.push({
        agentId,
        conversationId,
        runId,
        stepId,
        role: 'tool',
        name: executed.map(({ call }) => call.name).join(','),
        toolCallId: executed[0]!.call.id,
        toolReturns: returns,
        content: executed.map(({ outcome }) => ({ type: 'text', text: packageToolResult(outcome.ok, outcome.result, timezone) })),
      });
    }
    return messages;
  }
}

