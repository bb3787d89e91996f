import type { AgentType } from '../../domain/agent.js';
import type { ToolJsonSchema, ToolType } from '../../domain/tool.js';
import { BUILTIN_TOOL_DEFINITIONS } from './definitions.js';

export interface BuiltinToolDefinition {
  name: string;
  tool_type: ToolType;
  description: string;
  parameters: ToolJsonSchema['parameters'];
}

/** Names, types and parameter schemas of the tools built into Mnemo (their behaviour is in the engine). */
export const BUILTIN_TOOLS: readonly BuiltinToolDefinition[] = BUILTIN_TOOL_DEFINITIONS;

const BASE_TOOLS: Record<AgentType, readonly string[]> = {
  letta_v1_agent: ['conversation_search', 'memory_insert', 'memory_replace'],
  memgpt_v2_agent: ['send_message', 'conversation_search', 'memory_insert', 'memory_replace'],
  memgpt_agent: ['send_message', 'conversation_search', 'core_memory_append', 'core_memory_replace', 'memory', 'memory_apply_patch'],
  react_agent: [],
  workflow_agent: [],
  split_thread_agent: ['send_message', 'conversation_search', 'memory_insert', 'memory_replace'],
  sleeptime_agent: ['memory_replace', 'memory_insert', 'memory_rethink', 'memory_finish_edits'],
  voice_convo_agent: ['send_message', 'conversation_search'],
  voice_sleeptime_agent: ['memory_replace', 'memory_insert', 'memory_rethink', 'memory_finish_edits'],
};

/** The tools `include_base_tools` attaches for an agent type. */
export function baseToolNamesFor(agentType: AgentType): readonly string[] {
  return BASE_TOOLS[agentType];
}

export function builtinJsonSchema(tool: BuiltinToolDefinition): ToolJsonSchema {
  return { name: tool.name, description: tool.description, parameters: tool.parameters };
}
