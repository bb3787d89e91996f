import { decodeJson } from '../store/json.js';
import type { StepRow } from '../store/tables.js';

export function toStepWire(row: StepRow) {
  const usage = decodeJson<Record<string, number>>(row.usage) ?? {};
  return {
    id: row.id,
    run_id: row.run_id,
    agent_id: row.agent_id,
    provider_name: row.provider_name,
    provider_category: row.provider_category,
    provider_id: null,
    model: row.model,
    model_handle: row.provider_name && row.model ? `${row.provider_name}/${row.model}` : null,
    model_endpoint: row.model_endpoint,
    context_window_limit: row.context_window_limit,
    prompt_tokens: row.prompt_tokens,
    completion_tokens: row.completion_tokens,
    total_tokens: row.total_tokens,
    cached_input_tokens: usage.cachedInputTokens ?? null,
    cache_write_tokens: usage.cacheWriteTokens ?? null,
    reasoning_tokens: usage.reasoningTokens ?? null,
    completion_tokens_details: null,
    prompt_tokens_details: null,
    stop_reason: row.stop_reason,
    status: row.status,
    error_type: row.error_type,
    error_data: decodeJson(row.error_data),
    feedback: null,
    project_id: null,
    origin: null,
    request_id: null,
    tid: null,
    trace_id: null,
    tags: [],
    messages: [],
  };
}
