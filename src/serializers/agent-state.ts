import { toolRulesWithApprovals, type Agent, type AgentSecret } from '../domain/agent.js';
import type { AgentStateWire } from '../schemas/agents.js';
import { fileLimitsOf } from '../files/file-window.js';
import { toBlockWire } from './block.js';
import { toFileBlockWire, toFolderWire } from './folder.js';
import { toLettaMessages } from './letta-message.js';
import { toIdentityWire } from './identity.js';
import { toToolWire } from './tool.js';

function toSecretWire(secret: AgentSecret) {
  return {
    id: secret.id,
    agent_id: secret.agentId,
    key: secret.key,
    value: secret.value,
    description: secret.description,
    created_at: secret.createdAt,
    updated_at: secret.updatedAt,
    created_by_id: null,
    last_updated_by_id: null,
    value_enc: null,
  };
}

/**
 * The AgentState wire shape. Relationships that were not loaded (see `include`) are sent as
 * empty lists, as Letta does.
 */
export function toAgentState(agent: Agent): AgentStateWire {
  const blocks = (agent.blocks ?? []).map(toBlockWire);
  const secrets = (agent.secrets ?? []).map(toSecretWire);
  const identities = (agent.identities ?? []).map(toIdentityWire);
  const limits = fileLimitsOf(agent);
  return {
    id: agent.id,
    name: agent.name,
    agent_type: agent.agentType,
    description: agent.description,
    system: agent.system,
    model: agent.model,
    embedding: agent.embedding,
    llm_config: agent.llmConfig,
    embedding_config: agent.embeddingConfig,
    model_settings: agent.modelSettings,
    compaction_settings: agent.compactionSettings,
    response_format: agent.responseFormat,
    tool_rules: agent.tools ? toolRulesWithApprovals(agent.toolRules, agent.tools) : agent.toolRules,
    memory: { agent_type: agent.agentType, blocks, file_blocks: (agent.fileViews ?? []).map((view) => toFileBlockWire(view, limits.perFileViewWindowCharLimit)), prompt_template: '' },
    blocks,
    tools: (agent.tools ?? []).map(toToolWire),
    sources: (agent.folders ?? []).map(toFolderWire),
    tags: agent.tags ?? [],
    identities,
    identity_ids: identities.map((identity) => identity.id),
    secrets,
    tool_exec_environment_variables: secrets,
    message_ids: agent.messageIds ?? null,
    metadata: agent.metadata,
    timezone: agent.timezone,
    // As in Letta, unset limits show the defaults for the model's context window.
    max_files_open: limits.maxFilesOpen,
    per_file_view_window_char_limit: limits.perFileViewWindowCharLimit,
    message_buffer_autoclear: agent.messageBufferAutoclear,
    enable_sleeptime: agent.enableSleeptime,
    hidden: agent.hidden,
    multi_agent_group: null,
    managed_group: null,
    pending_approval: agent.pendingApproval ? (toLettaMessages(agent.pendingApproval).find((message) => message.message_type === 'approval_request_message') ?? null) : null,
    project_id: agent.projectId,
    template_id: agent.templateId,
    base_template_id: agent.baseTemplateId,
    deployment_id: agent.deploymentId,
    entity_id: agent.entityId,
    created_by_id: agent.createdById,
    last_updated_by_id: agent.lastUpdatedById,
    last_run_completion: agent.lastRunCompletion,
    last_run_duration_ms: agent.lastRunDurationMs,
    last_stop_reason: agent.lastStopReason,
    created_at: agent.createdAt,
    updated_at: agent.updatedAt,
  };
}
