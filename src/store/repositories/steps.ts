import type { StoreDialect } from '../dialects/dialect.js';
import type { PageRequest } from '../../domain/pagination.js';
import { NotFoundError } from '../../errors.js';
import { decodeJson, encodeJsonOrNull, now } from '../json.js';
import { paginate } from '../pagination.js';
import type { StepRow } from '../tables.js';
import type { Step } from '../../domain/run.js';
import type { Executor } from '../store.js';

export interface NewStep {
  id: string;
  runId: string;
  agentId: string;
  conversationId: string;
  providerName: string;
  model: string;
  modelEndpoint: string | null;
  contextWindowLimit: number | null;
  promptTokens: number;
  completionTokens: number;
  usage: Record<string, unknown>;
  stopReason: string | null;
}

function toStep(row: StepRow): Step {
  return {
    id: row.id,
    runId: row.run_id,
    agentId: row.agent_id,
    conversationId: row.conversation_id,
    providerName: row.provider_name,
    providerCategory: row.provider_category,
    model: row.model,
    modelEndpoint: row.model_endpoint,
    contextWindowLimit: row.context_window_limit,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    totalTokens: row.total_tokens,
    usage: decodeJson<Record<string, number>>(row.usage) ?? {},
    stopReason: row.stop_reason,
    status: row.status,
    errorType: row.error_type,
    errorData: decodeJson(row.error_data),
    createdAt: row.created_at,
    completedAt: row.completed_at,
  };
}

export class StepRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: StoreDialect,
  ) {}

  async insert(step: NewStep): Promise<void> {
    const at = now();
    await this.db
      .insertInto('steps')
      .values({
        id: step.id,
        run_id: step.runId,
        agent_id: step.agentId,
        conversation_id: step.conversationId,
        provider_name: step.providerName,
        provider_category: 'base',
        model: step.model,
        model_endpoint: step.modelEndpoint,
        context_window_limit: step.contextWindowLimit,
        completion_tokens: step.completionTokens,
        prompt_tokens: step.promptTokens,
        total_tokens: step.promptTokens + step.completionTokens,
        usage: encodeJsonOrNull(step.usage),
        stop_reason: step.stopReason,
        status: 'success',
        error_type: null,
        error_data: null,
        created_at: at,
        completed_at: at,
      })
      .execute();
  }

  async get(id: string): Promise<Step> {
    const row = await this.db.selectFrom('steps').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('step', id);
    return toStep(row);
  }

  async list(filter: { runId?: string; agentId?: string | null; model?: string | null }, page: PageRequest): Promise<Step[]> {
    let query = this.db.selectFrom('steps').selectAll('steps');
    if (filter.runId) query = query.where('steps.run_id', '=', filter.runId);
    if (filter.agentId) query = query.where('steps.agent_id', '=', filter.agentId);
    if (filter.model) query = query.where('steps.model', '=', filter.model);
    return (await paginate(this.db, 'steps', query, page)).map(toStep);
  }
}
