import type { Tool } from '../domain/tool.js';
import type { ToolOutcome } from '../engine/agent-loop.js';
import { newId } from '../ids.js';
import type { ToolWire } from '../schemas/tools.js';

export function toToolWire(tool: Tool): ToolWire {
  return {
    id: tool.id,
    name: tool.name,
    description: tool.description,
    tool_type: tool.toolType,
    source_type: tool.sourceType,
    source_code: tool.sourceCode,
    json_schema: tool.jsonSchema,
    args_json_schema: tool.argsJsonSchema,
    tags: tool.tags,
    return_char_limit: tool.returnCharLimit,
    pip_requirements: tool.pipRequirements?.map((r) => ({ name: r.name, version: r.version ?? null })) ?? null,
    npm_requirements: tool.npmRequirements?.map((r) => ({ name: r.name, version: r.version ?? null })) ?? null,
    default_requires_approval: tool.defaultRequiresApproval,
    enable_parallel_execution: tool.enableParallelExecution,
    metadata_: tool.metadata,
    project_id: tool.projectId,
    created_by_id: tool.createdById,
    last_updated_by_id: tool.lastUpdatedById,
    created_at: tool.createdAt,
    updated_at: tool.updatedAt,
  };
}

/** `ToolExecutionResult`, what running one of an agent's tools directly returns. */
export function toToolExecutionResult(outcome: ToolOutcome) {
  return {
    status: outcome.ok ? 'success' : 'error',
    func_return: outcome.result,
    agent_state: null,
    stdout: outcome.stdout ?? null,
    stderr: outcome.stderr ?? null,
    sandbox_config_fingerprint: null,
  };
}

/** `ToolReturnMessage`, what `POST /v1/tools/run` returns. */
export function toToolReturnMessage(name: string, outcome: ToolOutcome) {
  const id = newId('message');
  const ret = { type: 'tool', tool_return: outcome.result, status: outcome.ok ? 'success' : 'error', tool_call_id: `call-${id.slice(id.indexOf('-') + 1)}`, stdout: outcome.stdout ?? null, stderr: outcome.stderr ?? null };
  return {
    id,
    date: new Date().toISOString().replace(/Z$/, '+00:00'),
    name,
    message_type: 'tool_return_message',
    otid: null,
    sender_id: null,
    step_id: null,
    is_err: null,
    seq_id: null,
    run_id: null,
    tool_return: ret.tool_return,
    status: ret.status,
    tool_call_id: ret.tool_call_id,
    stdout: ret.stdout,
    stderr: ret.stderr,
    tool_returns: [ret],
  };
}
