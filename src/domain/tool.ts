export const TOOL_TYPES = [
  'custom',
  'letta_core',
  'letta_memory_core',
  'letta_multi_agent_core',
  'letta_sleeptime_core',
  'letta_voice_sleeptime_core',
  'letta_builtin',
  'letta_files_core',
  'external_langchain',
  'external_composio',
  'external_mcp',
] as const;
export type ToolType = (typeof TOOL_TYPES)[number];

export const DEFAULT_RETURN_CHAR_LIMIT = 50_000;

export interface ToolJsonSchema {
  name: string;
  description?: string;
  parameters: { type: 'object'; properties: Record<string, unknown>; required?: string[] } & Record<string, unknown>;
  [key: string]: unknown;
}

export interface PipRequirement {
  name: string;
  version?: string | null;
}

export interface NpmRequirement {
  name: string;
  version?: string | null;
}

export interface Tool {
  id: string;
  name: string;
  description: string | null;
  toolType: ToolType;
  sourceType: string | null;
  sourceCode: string | null;
  jsonSchema: ToolJsonSchema | null;
  argsJsonSchema: Record<string, unknown> | null;
  tags: string[];
  returnCharLimit: number;
  pipRequirements: PipRequirement[] | null;
  npmRequirements: NpmRequirement[] | null;
  defaultRequiresApproval: boolean | null;
  enableParallelExecution: boolean | null;
  metadata: Record<string, unknown> | null;
  projectId: string | null;
  createdById: string | null;
  lastUpdatedById: string | null;
  createdAt: string;
  updatedAt: string;
}

export const MAX_RETURN_CHAR_LIMIT = 1_000_000;

/** Source languages a client tool may be written in. */
export const TOOL_SOURCE_TYPES = ['python', 'typescript'] as const;
export type ToolSourceType = (typeof TOOL_SOURCE_TYPES)[number];

/** Tool types Letta calls its own (`letta_*`): built in, never edited by clients. */
export const LETTA_TOOL_TYPES: readonly ToolType[] = TOOL_TYPES.filter((type) => type.startsWith('letta_'));

export function isBuiltinTool(tool: Pick<Tool, 'toolType'>): boolean {
  return LETTA_TOOL_TYPES.includes(tool.toolType);
}

/** The fields of a new tool. */
export type ToolInput = Omit<Tool, 'id' | 'createdAt' | 'updatedAt'>;

export type ToolPatch = Partial<Omit<Tool, 'id' | 'toolType' | 'createdAt' | 'updatedAt'>>;

export interface ToolListFilter {
  name?: string | null;
  names?: string[] | null;
  toolIds?: string[] | null;
  /** Case-insensitive substring of the name. */
  search?: string | null;
  toolTypes?: string[] | null;
  excludeToolTypes?: string[] | null;
  onlyLettaTools?: boolean | null;
  excludeLettaTools?: boolean | null;
}
