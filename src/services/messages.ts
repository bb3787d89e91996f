import { toolRulesWithApprovals, type AgentRecord, type AgentTool, type JsonObject } from '../domain/agent.js';
import { estimateTokens, messageTokens } from '../engine/compaction.js';
import { compactConversation, summaryModelHandle, type CompactionOutcome } from './compaction.js';
import type { ContentPart, Message, NewMessage } from '../domain/message.js';
import type { PageRequest } from '../domain/pagination.js';
import { runAgentLoop, type LoopObserver, type LoopPorts, type LoopResult, type ResumedCall } from '../engine/agent-loop.js';
import type { AgentLocks } from '../engine/agent-locks.js';
import { toChatMessages } from '../engine/context.js';
import { runStatusFor } from '../engine/stop-reasons.js';
import { ConflictError, PendingApprovalError, ValidationError } from '../errors.js';
import { newId } from '../ids.js';
import { compileMemorySections, compileSystemPrompt, promptHasMemory, showsLineNumbers } from '../memory/compile-system-prompt.js';
import { defaultInitialMessages } from '../memory/initial-messages.js';
import type { ModelSettings, ToolDefinition } from '../providers/model-client.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { ApprovalCreate, SendMessagesRequest } from '../schemas/messages.js';
import type { ModelResolver } from './agents.js';
import { pendingApprovalIn, resumeCalls, type PendingApproval } from './approvals.js';
import { directoriesOf } from './agent-folders.js';
import { archivalStats } from './archives.js';
import { renderAvailableSkills, type ClientSkill } from '../memory/available-skills.js';
import { ContextWindowCache } from './context-window-cache.js';
import { RunContext } from './run-context.js';
import { INSTANCE_ID } from './run-supervisor.js';
import { stepMessages } from './step-messages.js';
import { AgentToolRunner, type ToolRunnerServices } from './tool-runner.js';
import type { Store } from '../store/store.js';


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

type InputMessage = Pick<NewMessage, 'role' | 'content' | 'name' | 'otid' | 'senderId'>;

/** A request's input: plain messages, and the answer to a pending approval when it opens with one. */
interface RequestInput {
  approval: ApprovalCreate | null;
  messages: InputMessage[];
}

function requestInput(request: SendMessagesRequest): RequestInput {
  if (request.input) {
    const content = typeof request.input === 'string' ? [{ type: 'text', text: request.input }] : (request.input as ContentPart[]);
    return { approval: null, messages: [{ role: 'user', content }] };
  }
  let approval: ApprovalCreate | null = null;
  const messages: InputMessage[] = [];
  (request.messages ?? []).forEach((message, index) => {
    if (message.type === 'approval') {
      if (index > 0) throw ValidationError.field(`body.messages[${index}]`, 'an approval must be the first message of a request');
      approval = message as ApprovalCreate;
      return;
    }
    const create = message as Extract<typeof message, { role: string }>;
    messages.push({
      role: create.role,
      content: typeof create.content === 'string' ? [{ type: 'text', text: create.content }] : (create.content as ContentPart[]),
      name: create.name,
      otid: create.otid,
      senderId: create.sender_id,
    });
  });
  return { approval, messages };
}

/** What a send does with a pending approval: answer it, or nothing is pending. Anything else is refused. */
function resumeOf(pending: PendingApproval | null, approval: ApprovalCreate | null): { pending: PendingApproval; calls: ResumedCall[]; answer: Message['approvals'] } | null {
  if (!approval) {
    if (pending) throw new PendingApprovalError(pending.request.id);
    return null;
  }
  if (!pending) throw new ConflictError('There is no approval request waiting for an answer: send a plain message instead', 'NO_PENDING_APPROVAL');
  const { calls, stored } = resumeCalls(pending, approval, 'body.messages[0]');
  return { pending, calls, answer: stored };
}

/** Errors that mean a send never started: it leaves no run behind. */
function refusedBeforeStart(error: unknown): boolean {
  return error instanceof ConflictError && ['CONVERSATION_BUSY', 'PENDING_APPROVAL', 'NO_PENDING_APPROVAL'].includes(error.code);
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

/** Compact once the context is estimated to fill this share of the model's window. */
const COMPACT_AT = 0.9;
const DEFAULT_CONTEXT_WINDOW = 128_000;

/** The estimated size of a step's context: the system message, the history and the tools' schemas. */
function contextTokens(system: Message | undefined, history: Message[], tools: AgentTool[]): number {
  let total = system ? messageTokens(system) : 0;
  for (const message of history) total += messageTokens(message);
  for (const tool of tools) total += estimateTokens(JSON.stringify(tool.jsonSchema ?? {}));
  return total;
}

const HEARTBEAT_AGENT_TYPES = new Set(['memgpt_agent', 'memgpt_v2_agent', 'split_thread_agent', 'voice_convo_agent']);

/** memgpt-style agents ask for another step through a required `request_heartbeat` argument. */
function withHeartbeatParameter(parameters: Record<string, unknown>): Record<string, unknown> {
  const properties = { ...((parameters.properties as Record<string, unknown> | undefined) ?? {}) };
  properties.request_heartbeat = { type: 'boolean', description: 'Request an immediate heartbeat after the call completes, to take another step.' };
  const required = [...new Set([...((parameters.required as string[] | undefined) ?? []), 'request_heartbeat'])];
  return { ...parameters, properties, required };
}

/** What the client brings to one request: tools it runs itself, and skills it offers. */
interface ClientOffer {
  tools: ToolDefinition[];
  skills: ClientSkill[];
}

function withSkills(systemPrompt: string, skills: string): string {
  return skills ? `${systemPrompt.trimEnd()}\n\n${skills}` : systemPrompt;
}

/** Sending messages to an agent (its default conversation) and reading its history. */
export class MessageService {
  private readonly aborts = new Map<string, AbortController>();
  private readonly windows = new ContextWindowCache();

  constructor(
    private readonly store: Store,
    private readonly providers: ProviderRegistry,
    private readonly models: ModelResolver,
    private readonly locks: AgentLocks,
    private readonly toolServices: ToolRunnerServices,
  ) {}

  async send(agentId: string, request: SendMessagesRequest, conversationId?: string): Promise<SendResult> {
    // The caller waits for the run, which checks for a pending approval in its turn: no need to check early.
    const run = await this.start(agentId, request, conversationId, { refuseEarly: false });
    return { runId: run.runId, result: await run.execute() };
  }

  /**
   * Validates the request and records its run, so a streaming caller knows the run id before any
   * output; `execute` then waits its turn on the conversation and runs the loop. `refuseEarly`
   * checks for a pending approval before the run is recorded too, so a caller that does not wait
   * for `execute` hears of a refused send at once.
   */
  async start(agentId: string, request: SendMessagesRequest, target?: string, { refuseEarly = true } = {}): Promise<StartedRun> {
    const input = requestInput(request);
    const agent = await this.store.repos.agents.get(agentId);
    const conversationId = target ?? (await this.store.repos.agents.defaultConversationId(agentId));
    // The request's model wins, then the conversation's own, then the agent's.
    const conversation = target ? await this.store.repos.conversations.get(target) : undefined;
    // The prompt names the thread: "default" for the agent's own, else the conversation's id.
    const conversationLabel = conversation && !conversation.isDefault ? conversation.id : 'default';
    let llmConfig = request.override_model ? await this.overrideConfig(request.override_model) : conversation?.model ? await this.models.llmConfigFor(conversation.model) : agent.llmConfig;
    if (conversation?.contextWindowLimit) llmConfig = { ...llmConfig, context_window: conversation.contextWindowLimit };
    const model = this.providers.clientFor(llmConfig);
    this.locks.assertRoom(conversationId);
    // Checked again in turn, authoritatively.
    if (refuseEarly) resumeOf(await this.pendingApproval(conversationId), input.approval);
    const run = await this.store.repos.runs.create({ agentId, conversationId, background: Boolean(request.background), requestConfig: { max_steps: request.max_steps }, owner: INSTANCE_ID });
    // Tools and skills the client offers with this request only.
    const client: ClientOffer = {
      tools: (request.client_tools ?? []).map((tool) => ({
        name: tool.name,
        description: tool.description ?? '',
        parameters: tool.parameters ?? { type: 'object', properties: {} },
      })),
      skills: request.client_skills ?? [],
    };
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
            // The context as the run finds it: checked for a pending approval, then the first step's context.
            const context = await RunContext.open(this.store, this.windows, conversationId);
            const resume = resumeOf(pendingApprovalIn((await context.window()).slice(-2)), input.approval);
            const scope = { agentId, conversationId, runId: run.id };
            const inputs = input.messages.map((message) => ({ ...message, ...scope }));
            // An approval's answer is stored now; messages sent with it follow the results of the calls.
            await context.append(
              resume
                ? [{ ...scope, role: 'approval', content: [], approvals: resume.answer, toolCallId: resume.pending.request.id, stepId: resume.pending.request.stepId, otid: input.approval?.otid }]
                : inputs,
            );
            const ports = this.portsFor(agentId, context, conversationLabel, run.id, model, llmConfig, client, resume ? { stepId: resume.pending.request.stepId, followUps: inputs } : undefined);
            return runAgentLoop(ports, request.max_steps, observer, resume?.calls);
          }),
        );
      } catch (error) {
        if (refusedBeforeStart(error)) await this.store.repos.runs.deleteUnstarted(run.id);
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

  /** `POST /v1/agents/{id}/summarize` (or a conversation's compact): compacts the context now, in its turn. */
  async summarize(agentId: string, settings: JsonObject | null, target?: string): Promise<CompactionOutcome> {
    const agent = await this.store.repos.agents.get(agentId);
    const conversationId = target ?? (await this.store.repos.agents.defaultConversationId(agentId));
    const effective = settings ?? agent.compactionSettings ?? null;
    const summariser = await this.summariserFor(agent, this.providers.clientFor(agent.llmConfig), effective);
    const contextWindow = typeof agent.llmConfig.context_window === 'number' ? agent.llmConfig.context_window : DEFAULT_CONTEXT_WINDOW;
    return this.locks.run(conversationId, `summarize-${agentId}`, () =>
      this.store.dialect.withCrossProcessLock(this.store.db, `conversation:${conversationId}`, () =>
        compactConversation(this.store, { agentId, conversationId, contextWindow }, summariser, effective),
      ),
    );
  }

  /** The model that writes summaries: the compaction settings' model, else the agent's own. */
  private async summariserFor(agent: AgentRecord | undefined, fallback: LoopPorts['model'], settings = agent?.compactionSettings ?? null): Promise<LoopPorts['model']> {
    const handle = summaryModelHandle(settings);
    return handle ? this.providers.clientFor(await this.models.llmConfigFor(handle)) : fallback;
  }

  /** The approval request the agent waits on, if its context ends with one. */
  async pendingApproval(conversationId: string): Promise<PendingApproval | null> {
    const ids = await this.store.repos.agents.inContextIdsOfConversation(conversationId);
    return pendingApprovalIn(await this.store.repos.messages.inOrder(ids.slice(-2)));
  }

  private async finishRun(agentId: string, runId: string, result: Pick<LoopResult, 'stopReason' | 'usage'>, started: bigint): Promise<void> {
    const durationNs = Number(process.hrtime.bigint() - started);
    await this.store.transaction(async (repos) => {
      await repos.runs.finish(runId, { status: runStatusFor(result.stopReason), stopReason: result.stopReason, usage: { ...result.usage }, durationNs });
      await repos.agents.update(agentId, { lastRunCompletion: new Date().toISOString(), lastRunDurationMs: Math.round(durationNs / 1e6), lastStopReason: result.stopReason });
    });
  }

  /** Cancels the runs of one conversation. */
  async cancelConversation(agentId: string, conversationId: string): Promise<Record<string, string>> {
    const running = await this.store.repos.runs.list({ agentIds: [agentId], conversationId, statuses: ['created', 'running'] }, { limit: 1000, order: 'asc' });
    if (!running.length) throw new ConflictError(`Conversation ${conversationId} has no active run to cancel`, 'NOTHING_TO_CANCEL');
    return this.cancel(agentId, running.map((run) => run.id));
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

  /** A conversation's messages; the agent's own (default) conversation unless one is named. */
  async list(agentId: string, page: PageRequest, conversationId?: string | null): Promise<Message[]> {
    await this.store.repos.agents.assertExists(agentId);
    const target = conversationId && conversationId !== 'default' ? conversationId : await this.store.repos.agents.defaultConversationId(agentId);
    return this.store.repos.messages.list({ agentId, conversationId: target }, page);
  }

  private async overrideConfig(handle: string): Promise<Record<string, unknown>> {
    try {
      return await this.models.llmConfigFor(handle);
    } catch (error) {
      if (error instanceof ValidationError) throw new ValidationError(error.issues.map((issue) => ({ ...issue, path: 'override_model' })));
      throw error;
    }
  }

  private portsFor(
    agentId: string,
    context: RunContext,
    conversationLabel: string,
    runId: string,
    model: LoopPorts['model'],
    llmConfig: Record<string, unknown>,
    client: ClientOffer,
    resume?: { stepId: string | null; followUps: NewMessage[] },
  ): LoopPorts {
    const clientTools = client.tools;
    const repos = this.store.repos;
    const conversationId = context.conversationId;
    const runner = new AgentToolRunner(repos, this.toolServices, agentId);
    let agent: AgentRecord | undefined;
    let agentTools: AgentTool[] | undefined;
    let toolsByName = new Map<string, AgentTool>();
    const contextWindow = typeof llmConfig.context_window === 'number' ? llmConfig.context_window : undefined;
    const compact = async () => {
      const outcome = await compactConversation(this.store, { agentId, conversationId, contextWindow: contextWindow ?? DEFAULT_CONTEXT_WINDOW }, await this.summariserFor(agent, model), agent?.compactionSettings ?? null);
      context.invalidate();
      return outcome;
    };
    return {
      model,
      compact: async () => {
        const outcome = await compact();
        return outcome.messagesAfter < outcome.messagesBefore;
      },
      // In one process a cancel aborts the run's signal directly; only a store other processes share
      // needs asking whether one of them cancelled it.
      isCancelled: async () => this.store.dialect.sharedByProcesses && (await repos.runs.status(runId)) === 'cancelled',
      prepare: async () => {
        // The agent's settings and toolset are read once per run; memory is read every step.
        agent ??= await repos.agents.get(agentId);
        const tools = (agentTools ??= (await repos.agents.toolsOf([agentId])).get(agentId) ?? []);
        const blocks = (await repos.agents.blocksOf([agentId])).get(agentId) ?? [];
        let [system, ...history] = await context.window();
        // Compact before the model sees a context that would (nearly) fill its window.
        if (contextWindow && contextTokens(system, history, tools) > contextWindow * COMPACT_AT) {
          await compact();
          [system, ...history] = await context.window();
        }
        // Keep the stored prompt (and its "last recompiled" time, which prompt caches key on) until
        // the memory in it changes; only then recompile and rewrite it.
        const memoryInput = { system: agent.system, blocks, toolRules: agent.toolRules, lineNumbers: showsLineNumbers(llmConfig), directories: await directoriesOf(repos, agent) };
        const stored = typeof system?.content[0]?.text === 'string' ? (system.content[0].text as string) : undefined;
        let systemPrompt = stored ?? '';
        if (stored === undefined || !promptHasMemory(stored, compileMemorySections(memoryInput))) {
          systemPrompt = compileSystemPrompt({
            ...memoryInput,
            metadata: {
              agentId,
              conversationId: conversationLabel,
              compiledAt: new Date(),
              timezone: agent.timezone,
              recallMessageCount: await repos.messages.countForAgent(agentId),
              ...(await archivalStats(repos, agentId)),
            },
          });
          if (system) {
            system.content = [{ type: 'text', text: systemPrompt }];
            await repos.messages.setContent(system.id, system.content);
          }
        }
        // A client-side tool stands in for an agent tool of the same name.
        const clientNames = new Set(clientTools.map((tool) => tool.name));
        const serverTools = tools.filter((tool) => !clientNames.has(tool.name));
        toolsByName = new Map(serverTools.map((tool) => [tool.name, tool]));
        const heartbeats = HEARTBEAT_AGENT_TYPES.has(agent.agentType);
        const terminal = new Set(agent.toolRules.filter((rule) => rule.type === 'exit_loop').map((rule) => rule.tool_name));
        const definitions: ToolDefinition[] = [
          ...serverTools.map((tool) => {
            const parameters = tool.jsonSchema?.parameters ?? { type: 'object', properties: {} };
            return {
              name: tool.name,
              description: tool.jsonSchema?.description ?? tool.description ?? '',
              parameters: heartbeats && !terminal.has(tool.name) ? withHeartbeatParameter(parameters) : parameters,
            };
          }),
          ...clientTools,
        ];
        return {
          // Skills are offered per request (as by Letta): added to what the model sees, never stored.
          system: withSkills(systemPrompt, renderAvailableSkills(blocks, client.skills)),
          messages: toChatMessages(history),
          tools: definitions,
          settings: modelSettingsOf(agent, llmConfig),
          toolRules: agent.toolRules,
          heartbeats,
          awaitsClient: new Set([...clientNames, ...toolRulesWithApprovals(agent.toolRules, serverTools).filter((rule) => rule.type === 'requires_approval').map((rule) => rule.tool_name)]),
          parallelSafe: new Set(serverTools.filter((tool) => tool.enableParallelExecution).map((tool) => tool.name)),
        };
      },
      execute: (call, args) => runner.run(toolsByName.get(call.name), call.name, args),
      newMessageId: () => newId('message'),
      commit: async (step) => {
        const stepId = step.response ? newId('step') : (resume?.stepId ?? newId('step'));
        const messages = stepMessages(step, { agentId, conversationId, runId, stepId, timezone: agent?.timezone ?? 'UTC', modelId: String(model.modelId) });
        if (!step.response && resume) messages.push(...resume.followUps);
        const response = step.response;
        return context.append(messages, async (repos) => {
          if (!response) return;
          await repos.steps.insert({
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
          });
        });
      },
    };
  }
}
