import { DEFAULT_RETURN_CHAR_LIMIT, isBuiltinTool, type Tool } from '../domain/tool.js';
import type { ToolOutcome } from '../engine/agent-loop.js';
import { dateFilterBound } from '../memory/local-time.js';
import { toAgentState } from '../serializers/agent-state.js';
import { toArchivalSearchResult } from '../serializers/archive.js';
import type { Repositories } from '../store/repositories/index.js';
import type { ArchiveService } from './archives.js';
import type { FileTools } from './file-tools.js';
import { executeBuiltinTool, limitToolResult } from '../tools/builtin/executor.js';
import type { WebToolOptions } from '../tools/builtin/web.js';
import { typescriptParameterOrder, type SandboxJob, type ToolSandbox } from '../tools/sandbox/index.js';

/** What `conversation_search` looks through when no roles are named. */
const SEARCHED_ROLES = ['user', 'assistant', 'tool'];

/** What a user tool runs with besides its arguments. */
export interface UserToolContext {
  /** The agent's tool environment variables (its secrets). */
  env: Record<string, string>;
  /** Handed to tools that take an `agent_state` parameter. */
  agentState: Record<string, unknown> | null;
  /** Tools of different keys never share a process: the agent's id, or the environment's digest. */
  isolationKey: string;
}

/** Runs a user tool's source in the sandbox; its result is cut to the tool's return_char_limit. */
export async function runUserTool(sandbox: ToolSandbox, tool: Pick<Tool, 'name' | 'sourceType' | 'sourceCode' | 'jsonSchema' | 'pipRequirements' | 'npmRequirements' | 'returnCharLimit'>, args: Record<string, unknown>, context: UserToolContext): Promise<ToolOutcome> {
  if (!tool.sourceCode) return { ok: false, result: `The tool ${tool.name} has no source code to run` };
  const job: SandboxJob = {
    sourceType: tool.sourceType === 'typescript' ? 'typescript' : 'python',
    sourceCode: tool.sourceCode,
    functionName: tool.name,
    args,
    env: context.env,
    agentState: context.agentState,
    parameterOrder: typescriptParameterOrder(tool.jsonSchema?.parameters ?? {}),
    pipRequirements: tool.pipRequirements,
    npmRequirements: tool.npmRequirements,
    isolationKey: context.isolationKey,
  };
  const result = await sandbox.run(job);
  return { ok: result.ok, result: limitToolResult(result.result, tool.returnCharLimit ?? DEFAULT_RETURN_CHAR_LIMIT), stdout: result.stdout, stderr: result.stderr };
}

/** What running an agent's tools takes besides the store. */
export interface ToolRunnerServices {
  sandbox: ToolSandbox;
  archives: ArchiveService;
  files: FileTools;
  web: WebToolOptions;
}

/** Runs one of an agent's tools by name: built-in tools in process, user tools in the sandbox. */
export class AgentToolRunner {
  constructor(
    private readonly repos: Repositories,
    private readonly services: ToolRunnerServices,
    private readonly agentId: string,
  ) {}

  async run(tool: Tool | undefined, name: string, args: Record<string, unknown>): Promise<ToolOutcome> {
    if (tool && !isBuiltinTool(tool)) {
      if (tool.sourceType !== 'python' && tool.sourceType !== 'typescript') {
        return { ok: false, result: `The tool ${name} is a ${tool.toolType} tool (source type ${tool.sourceType ?? 'none'}); this server runs only Python and TypeScript tools` };
      }
      const context = await this.userContext();
      // As Letta does, tools also learn which agent and tool they run as.
      return runUserTool(this.services.sandbox, tool, args, { ...context, env: { ...context.env, LETTA_AGENT_ID: this.agentId, LETTA_TOOL_ID: tool.id } });
    }
    const outcome = await executeBuiltinTool(name, args, {
      agentId: this.agentId,
      files: this.services.files,
      web: this.services.web,
      blockByLabel: async (label) => {
        const blockId = await this.repos.agents.blockIdByLabel(this.agentId, label);
        return blockId ? this.repos.blocks.get(blockId) : undefined;
      },
      setBlockValue: async (block, value) => {
        await this.repos.blocks.update(block.id, { value });
      },
      insertPassage: async (text, tags) => {
        await this.services.archives.insertForAgent(this.agentId, { text, tags });
      },
      searchPassages: async (query) => {
        const { timezone, hits } = await this.services.archives.searchForAgent(this.agentId, { ...query, fields: { start: 'start_datetime', end: 'end_datetime' } });
        return hits.map((hit) => toArchivalSearchResult(hit.passage, timezone));
      },
      searchMessages: async ({ text, roles, startDate, endDate, limit }) => {
        // Dates are read in the agent's timezone, as archival search reads them.
        const timezone = startDate || endDate ? (await this.repos.agents.get(this.agentId)).timezone : 'UTC';
        const found = await this.repos.messages.search({
          agentId: this.agentId,
          texts: text ? [text] : [],
          roles: roles?.length ? roles : SEARCHED_ROLES,
          limit,
          startDate: dateFilterBound(startDate, timezone, 'start_date', false),
          endDate: dateFilterBound(endDate, timezone, 'end_date', true),
        });
        return found.map((message) => ({
          role: message.role,
          text: message.content.map((part) => String(part.text ?? '')).join(''),
          date: message.createdAt,
        }));
      },
    });
    return { ...outcome, result: limitToolResult(outcome.result, tool?.returnCharLimit ?? DEFAULT_RETURN_CHAR_LIMIT) };
  }

  /** Read per call, so a tool sees memory edited earlier in the same run. */
  private async userContext(): Promise<UserToolContext> {
    const [agent, blocks, tools, secrets] = await Promise.all([
      this.repos.agents.get(this.agentId),
      this.repos.agents.blocksOf([this.agentId]).then((map) => map.get(this.agentId) ?? []),
      this.repos.agents.toolsOf([this.agentId]).then((map) => map.get(this.agentId) ?? []),
      this.repos.agents.secretsOf([this.agentId]).then((map) => map.get(this.agentId) ?? []),
    ]);
    // Tools get the AgentState a client would (Letta's `agent_state`), as a read-only view.
    return { env: Object.fromEntries(secrets.map((secret) => [secret.key, secret.value])), agentState: toAgentState({ ...agent, blocks, tools, secrets }), isolationKey: this.agentId };
  }
}
