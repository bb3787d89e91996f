import type { Block } from './block.js';
import type { Identity } from './identity.js';
import type { FileView, Folder } from './folder.js';
import type { Message } from './message.js';
import type { Tool } from './tool.js';

export const AGENT_TYPES = [
  'memgpt_agent',
  'memgpt_v2_agent',
  'letta_v1_agent',
  'react_agent',
  'workflow_agent',
  'split_thread_agent',
  'sleeptime_agent',
  'voice_convo_agent',
  'voice_sleeptime_agent',
] as const;
export type AgentType = (typeof AGENT_TYPES)[number];

/** Tool rules and model/compaction settings are kept as the client sent them (validated by schema). */
export type ToolRule = { type: string; tool_name: string } & Record<string, unknown>;
export type JsonObject = Record<string, unknown>;

export interface AgentSecret {
  id: string;
  agentId: string;
  key: string;
  value: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

/** An agent's own row, without its relationships. */
export interface AgentRecord {
  id: string;
  name: string;
  agentType: AgentType;
  description: string | null;
  system: string;
  model: string | null;
  llmConfig: JsonObject;
  embedding: string | null;
  embeddingConfig: JsonObject | null;
  modelSettings: JsonObject | null;
  compactionSettings: JsonObject | null;
  responseFormat: JsonObject | null;
  toolRules: ToolRule[];
  metadata: JsonObject | null;
  timezone: string;
  maxFilesOpen: number | null;
  perFileViewWindowCharLimit: number | null;
  messageBufferAutoclear: boolean;
  enableSleeptime: boolean | null;
  hidden: boolean | null;
  projectId: string | null;
  templateId: string | null;
  baseTemplateId: string | null;
  deploymentId: string | null;
  entityId: string | null;
  createdById: string | null;
  lastUpdatedById: string | null;
  lastRunCompletion: string | null;
  lastRunDurationMs: number | null;
  lastStopReason: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The relationships an AgentState can carry; `include` picks which are loaded. */
export const AGENT_RELATIONSHIPS = ['blocks', 'tools', 'tags', 'identities', 'secrets', 'sources', 'managed_group', 'pending_approval'] as const;
export type AgentRelationship = (typeof AGENT_RELATIONSHIPS)[number];

export interface Agent extends AgentRecord {
  blocks?: Block[];
  tools?: AgentTool[];
  tags?: string[];
  identities?: Identity[];
  secrets?: AgentSecret[];
  /** In-context message ids of the default conversation. */
  messageIds?: string[];
  /** The approval request the agent waits on, if any. */
  pendingApproval?: Message | null;
  /** Attached folders ("sources"), and the agent's views of their files. */
  folders?: Folder[];
  fileViews?: FileView[];
}

/** A tool as attached to one agent, with the agent's approval setting. */
export interface AgentTool extends Tool {
  requiresApproval: boolean | null;
}

/** Filters of the agent list (all optional; tags match any unless matchAllTags). */
export interface AgentListFilter {
  name?: string | null;
  tags?: string[] | null;
  matchAllTags?: boolean;
  queryText?: string | null;
  identityId?: string | null;
  identifierKeys?: string[] | null;
  projectId?: string | null;
  templateId?: string | null;
  baseTemplateId?: string | null;
  createdById?: string | null;
  lastStopReason?: string | null;
}

/**
 * An agent's tool rules as Letta shows them, where approval is a `requires_approval` rule: the
 * agent's own setting for a tool (agent_tools.requires_approval) wins over a stored rule, and
 * the tool's default_requires_approval applies when the agent has none.
 */
export function toolRulesWithApprovals(rules: ToolRule[], tools: AgentTool[]): ToolRule[] {
  const declined = new Set(tools.filter((tool) => tool.requiresApproval === false).map((tool) => tool.name));
  const kept = rules.filter((rule) => !(rule.type === 'requires_approval' && declined.has(rule.tool_name)));
  const present = new Set(kept.filter((rule) => rule.type === 'requires_approval').map((rule) => rule.tool_name));
  const added = tools
    .filter((tool) => (tool.requiresApproval ?? tool.defaultRequiresApproval) === true && !present.has(tool.name))
    .map((tool): ToolRule => ({ type: 'requires_approval', tool_name: tool.name, prompt_template: null }));
  return [...kept, ...added];
}
