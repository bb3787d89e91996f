import type { ToolRule } from '../domain/agent.js';
import type { Block } from '../domain/block.js';
import type { DirectoryView } from '../domain/folder.js';
import { visibleText } from '../files/file-window.js';
import { dateTimeFormat } from './time-format.js';

export interface MemoryMetadata {
  agentId: string;
  conversationId: string;
  /** When the prompt was compiled; shown in the agent's timezone. */
  compiledAt: Date;
  timezone: string;
  recallMessageCount: number;
  archivalPassageCount: number;
  archivalTags: string[];
}

export interface MemoryInput {
  system: string;
  blocks: Block[];
  toolRules: ToolRule[];
  /** Anthropic models are shown block values with line numbers. */
  lineNumbers?: boolean;
  /** The attached folders and the agent's views of their files; none when no folder is attached. */
  directories?: Directories;
}

export interface Directories {
  folders: DirectoryView[];
  maxFilesOpen: number;
  perFileViewWindowCharLimit: number;
}

/** Letta shows block values with line numbers to Anthropic models only. */
export function showsLineNumbers(llmConfig: Record<string, unknown>): boolean {
  return llmConfig.model_endpoint_type === 'anthropic';
}

export interface CompileInput extends MemoryInput {
  metadata: MemoryMetadata;
}

function renderBlock(block: Block, lineNumbers: boolean): string {
  const metadata = [
    ...(block.readOnly ? ['- read_only=true'] : []),
    `- chars_current=${block.value.length}`,
    `- chars_limit=${block.limit}`,
  ];
  const value = lineNumbers
    ? [
        '# NOTE: Line numbers shown below (with arrows like \'1→\') are to help during editing. Do NOT include line number prefixes in your memory edit tool calls.',
        ...block.value.split('\n').map((line, index) => `${index + 1}→ ${line}`),
      ].join('\n')
    : block.value;
  return [
    `<${block.label}>`,
    '<description>',
    block.description ?? '',
    '</description>',
    '<metadata>',
    ...metadata,
    '</metadata>',
    '<value>',
    value,
    '</value>',
    `</${block.label}>`,
  ].join('\n');
}

const HIDDEN_RULE_TYPES = new Set(['required_before_exit', 'requires_approval']);

function describeRule(rule: ToolRule): string | undefined {
  if (typeof rule.prompt_template === 'string' && rule.prompt_template) return rule.prompt_template.replaceAll('{{ tool_name }}', rule.tool_name);
  switch (rule.type) {
    case 'run_first':
      return `The tool ${rule.tool_name} must be called first.`;
    case 'exit_loop':
      return `The tool ${rule.tool_name} ends your turn: after calling it you stop.`;
    case 'continue_loop':
      return `After calling ${rule.tool_name} you continue with another step.`;
    case 'constrain_child_tools':
      return `After calling ${rule.tool_name} you may only call: ${(rule.children as string[]).join(', ')}.`;
    case 'parent_last_tool':
      return `The tools ${(rule.children as string[]).join(', ')} may only be called right after ${rule.tool_name}.`;
    case 'conditional':
      return `After calling ${rule.tool_name}, the next tool depends on its result.`;
    case 'max_count_per_step':
      return `The tool ${rule.tool_name} may be called at most ${String(rule.max_count_limit)} times per turn.`;
    default:
      return undefined;
  }
}

const COMPILED_AT: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: true,
  timeZoneName: 'longOffset',
};

function formatCompiledAt(date: Date, timezone: string): string {
  const parts = Object.fromEntries(dateTimeFormat(timezone, COMPILED_AT).formatToParts(date).map((part) => [part.type, part.value]));
  const offset = (parts.timeZoneName ?? 'GMT').replace('GMT', '').replace(':', '') || '+0000';
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${parts.dayPeriod} UTC${offset}`;
}

/** The prompt up to the memory metadata: the agent's system text, its memory blocks and tool rules. */
export function compileMemorySections(input: MemoryInput): string {
  const sections = [input.system];
  const blocks = input.blocks.filter((block) => !block.hidden);
  sections.push(
    [
      '<memory_blocks>',
      'The following memory blocks are currently engaged in your core memory unit:',
      '',
      blocks.map((block) => renderBlock(block, Boolean(input.lineNumbers))).join('\n\n'),
      '</memory_blocks>',
    ].join('\n'),
  );
  const rules = input.toolRules.filter((rule) => !HIDDEN_RULE_TYPES.has(rule.type)).map(describeRule).filter(Boolean);
  if (rules.length) sections.push(['<tool_usage_rules>', ...rules.map((rule) => `<tool_rule>${rule}</tool_rule>`), '</tool_usage_rules>'].join('\n'));
  if (input.directories?.folders.length) sections.push(renderDirectories(input.directories));
  return sections.join('\n\n');
}

/** Attached folders as Letta shows them: open files with their visible window, closed ones by name. */
function renderDirectories(directories: Directories): string {
  const limit = directories.perFileViewWindowCharLimit;
  const open = directories.folders.reduce((count, entry) => count + entry.files.filter((file) => file.isOpen && file.visibleContent).length, 0);
  const lines = ['<directories>', '<file_limits>', `- current_files_open=${open}`, `- max_files_open=${directories.maxFilesOpen}`, '</file_limits>'];
  for (const { folder, files } of directories.folders) {
    lines.push(`<directory name="${folder.name}">`);
    if (folder.description) lines.push(`<description>${folder.description}</description>`);
    if (folder.instructions) lines.push(`<instructions>${folder.instructions}</instructions>`);
    for (const file of files) {
      const value = visibleText(file, limit);
      lines.push(`<file status="${value ? 'open' : 'closed'}" name="${file.fileName}">`, '<metadata>', '- read_only=true', `- chars_current=${value.length}`, `- chars_limit=${limit}`, '</metadata>');
      if (value) lines.push('<value>', value, '</value>');
      lines.push('</file>');
    }
    lines.push('</directory>');
  }
  lines.push('</directories>');
  return lines.join('\n');
}

function renderMetadata(meta: MemoryMetadata): string {
  return [
    '<memory_metadata>',
    `- AGENT_ID: ${meta.agentId}`,
    `- CONVERSATION_ID: ${meta.conversationId}`,
    `- System prompt last recompiled: ${formatCompiledAt(meta.compiledAt, meta.timezone)}`,
    `- ${meta.recallMessageCount} previous messages between you and the user are stored in recall memory (use tools to access them)`,
    ...(meta.archivalPassageCount > 0
      ? [`- ${meta.archivalPassageCount} total memories you created are stored in archival memory (use tools to access them)`]
      : []),
    ...(meta.archivalTags.length ? [`- Available archival memory tags: ${meta.archivalTags.join(', ')}`] : []),
    '</memory_metadata>',
  ].join('\n');
}

/** Whether a stored prompt was compiled from exactly this memory (only its metadata may differ). */
export function promptHasMemory(prompt: string, memorySections: string): boolean {
  return prompt.startsWith(`${memorySections}\n\n<memory_metadata>`);
}

/** The system prompt the model sees: the agent's system text, its memory, and memory metadata. */
export function compileSystemPrompt(input: CompileInput): string {
  return `${compileMemorySections(input)}\n\n${renderMetadata(input.metadata)}`;
}
