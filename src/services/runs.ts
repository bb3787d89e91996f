import { ConflictError, NotFoundError } from '../errors.js';
import type { Message } from '../domain/message.js';
import type { PageRequest } from '../domain/pagination.js';
import type { Run, Step } from '../domain/run.js';
import type { Store } from '../store/store.js';

export interface RunListFilter {
  agentIds?: string[];
  conversationId?: string | null;
  statuses?: string[];
  background?: boolean;
  stopReason?: string | null;
}

/** Runs and their steps, as recorded by the messages service. */
export class RunService {
  constructor(private readonly store: Store) {}

  get(runId: string): Promise<Run> {
    return this.store.repos.runs.get(runId);
  }

  list(filter: RunListFilter, page: PageRequest): Promise<Run[]> {
    return this.store.repos.runs.list(filter, page);
  }

  /** A conversation's newest background run: the one a client resuming the conversation's stream wants. */
  async latestBackgroundRunOf(agentId: string, conversationId: string): Promise<string> {
    const [latest] = await this.store.repos.runs.list({ agentIds: [agentId], conversationId, background: true }, { limit: 1, order: 'desc' });
    if (!latest) throw new NotFoundError('run', 'background', ` in conversation ${conversationId}: it has no background run to resume`);
    return latest.id;
  }

  /** Deletes a finished run; an active one must be cancelled first. */
  async delete(runId: string): Promise<Run> {
    const run = await this.store.repos.runs.get(runId);
    if (!(await this.store.repos.runs.deleteFinished(runId))) {
      throw new ConflictError(`Run ${runId} is still ${run.status}; cancel it before deleting it`, 'RUN_ACTIVE', { status: run.status });
    }
    return run;
  }

  async messages(runId: string, page: PageRequest): Promise<Message[]> {
    const run = await this.store.repos.runs.get(runId);
    return this.store.repos.messages.list({ agentId: run.agentId, runId }, page);
  }

  async steps(runId: string, page: PageRequest): Promise<Step[]> {
    await this.store.repos.runs.get(runId);
    return this.store.repos.steps.list({ runId }, page);
  }

  async usage(runId: string): Promise<{ prompt_tokens: number; completion_tokens: number; total_tokens: number }> {
    const run = await this.store.repos.runs.get(runId);
    const usage = (run.usage ?? {}) as Record<string, number>;
    const prompt = usage.inputTokens ?? 0;
    const completion = usage.outputTokens ?? 0;
    return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  }

  listSteps(filter: { agentId?: string | null; model?: string | null }, page: PageRequest): Promise<Step[]> {
    return this.store.repos.steps.list(filter, page);
  }

  getStep(stepId: string): Promise<Step> {
    return this.store.repos.steps.get(stepId);
  }
}
