import type { Run } from '../domain/run.js';

export function toRunWire(run: Run) {
  return {
    id: run.id,
    agent_id: run.agentId,
    conversation_id: run.conversationId,
    background: run.background,
    status: run.status,
    stop_reason: run.stopReason,
    request_config: run.requestConfig,
    metadata: run.metadata,
    callback_url: null,
    callback_sent_at: null,
    callback_status_code: null,
    callback_error: null,
    base_template_id: null,
    created_at: run.createdAt,
    completed_at: run.completedAt,
    total_duration_ns: run.totalDurationNs,
    ttft_ns: null,
  };
}
