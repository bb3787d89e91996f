/** A package a tool needs: npm for TypeScript tools, pip for Python tools. */
export interface PackageRequirement {
  name: string;
  version?: string | null;
}

export interface SandboxJob {
  sourceType: 'python' | 'typescript';
  sourceCode: string;
  /** The function to call (the tool's name). */
  functionName: string;
  args: Record<string, unknown>;
  /** The agent's tool environment variables / secrets: the only env the tool sees besides PATH, LANG, HOME. */
  env?: Record<string, string>;
  /** Given to tools that declare an `agent_state` parameter. */
  agentState?: Record<string, unknown> | null;
  /** For TypeScript positional calls: parameter names in order (from the tool's json_schema). */
  parameterOrder?: string[];
  pipRequirements?: PackageRequirement[] | null;
  npmRequirements?: PackageRequirement[] | null;
  timeoutMs?: number;
  memoryMb?: number;
  /**
   * Jobs with different keys never share a process (e.g. the agent's id, so one agent's tool cannot
   * read another's secrets). Python jobs always get a process of their own; TypeScript jobs share
   * the Node host of their key.
   */
  isolationKey?: string;
}

export interface SandboxResult {
  ok: boolean;
  /** The function's return value as text, or the error message. */
  result: string;
  stdout: string[];
  stderr: string[];
  /** Wall time in the sandbox, ms. */
  durationMs: number;
}
