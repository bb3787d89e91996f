import type { Block } from '../../domain/block.js';
import type { ToolOutcome } from '../../engine/agent-loop.js';
import { MnemoError } from '../../errors.js';
import { applyMemoryEdit, labelOf, MEMORY_EDIT_TOOLS, ToolFailure } from './memory.js';
import { FileToolError, type FileTools, type OpenRequest } from '../../services/file-tools.js';
import { fetchWebpage, webSearch, type WebToolOptions } from './web.js';

/** What built-in tools may touch: the agent's memory and its message history. */
export interface BuiltinToolPorts {
  agentId: string;
  blockByLabel(label: string): Promise<Block | undefined>;
  setBlockValue(block: Block, value: string): Promise<void>;
  searchMessages(query: { text?: string; roles?: string[]; limit: number; startDate?: string; endDate?: string }): Promise<{ role: string; text: string; date: string }[]>;
  insertPassage(text: string, tags: string[]): Promise<void>;
  searchPassages(query: { query: string; topK: number; tags?: string[]; tagMatchMode?: 'any' | 'all'; start?: string; end?: string }): Promise<{ id: string; timestamp: string; content: string; tags: string[] }[]>;
  /** The file tools (open_files, grep_files, semantic_search_files) over the agent's attached folders. */
  files: Pick<FileTools, 'openFiles' | 'grepFiles' | 'semanticSearchFiles'>;
  /** web_search's key and the web tools' settings. */
  web: WebToolOptions;
}

export const SEND_MESSAGE_RESULT = 'Sent message successfully.';

const SEARCH_HIT_CHARS = 1_000;

function clip(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

/** Cuts a tool result to the tool's return_char_limit, telling the model it was cut. */
export function limitToolResult(result: string, limit: number): string {
  if (result.length <= limit) return result;
  return `${result.slice(0, limit)}\n[Output truncated: ${result.length} characters, the tool's limit is ${limit}]`;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function optionalInteger(value: unknown, name: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new ToolFailure(`${name} must be a whole number`);
  return value;
}

/** Runs one built-in tool call; a failure is reported to the model, never thrown. */
export async function executeBuiltinTool(name: string, args: Record<string, unknown>, ports: BuiltinToolPorts): Promise<ToolOutcome> {
  try {
    if (MEMORY_EDIT_TOOLS.has(name)) {
      const label = labelOf(args);
      const block = await ports.blockByLabel(label);
      if (!block) throw new ToolFailure(`There is no memory block labelled "${label}"`);
      if (block.readOnly) throw new ToolFailure(`The memory block "${label}" is read-only`);
      const value = applyMemoryEdit(name, args, block.value);
      if (value.length > block.limit) {
        throw new ToolFailure(`The edit would make "${label}" ${value.length} characters long, over its limit of ${block.limit}; shorten it`);
      }
      await ports.setBlockValue(block, value);
      return { ok: true, result: value };
    }
    switch (name) {
      case 'send_message':
        return { ok: true, result: SEND_MESSAGE_RESULT };
      case 'memory_finish_edits':
        return { ok: true, result: 'Memory edits finished.' };
      case 'archival_memory_insert': {
        if (typeof args.content !== 'string' || !args.content.trim()) throw new ToolFailure('content must be the text to remember');
        await ports.insertPassage(args.content, stringList(args.tags));
        return { ok: true, result: 'Stored in archival memory.' };
      }
      case 'archival_memory_search': {
        if (typeof args.query !== 'string' || !args.query.trim()) throw new ToolFailure('query must be what to look for');
        const found = await ports.searchPassages({
          query: args.query,
          topK: Math.min(Math.max(Number(args.top_k ?? 5) || 5, 1), 50),
          tags: stringList(args.tags),
          tagMatchMode: args.tag_match_mode === 'all' ? 'all' : 'any',
          ...(typeof args.start_datetime === 'string' ? { start: args.start_datetime } : {}),
          ...(typeof args.end_datetime === 'string' ? { end: args.end_datetime } : {}),
        });
        return { ok: true, result: found.length ? JSON.stringify(found) : 'No archival memories matched.' };
      }
      case 'conversation_search': {
        const limit = Math.min(Math.max(Number(args.limit ?? 10) || 10, 1), 100);
        // Tool results are left out unless asked for: they quote earlier searches, which would snowball.
        const found = await ports.searchMessages({
          text: typeof args.query === 'string' ? args.query : undefined,
          roles: Array.isArray(args.roles) && args.roles.length ? args.roles.map(String) : ['user', 'assistant'],
          limit,
          startDate: typeof args.start_date === 'string' ? args.start_date : undefined,
          endDate: typeof args.end_date === 'string' ? args.end_date : undefined,
        });
        if (!found.length) return { ok: true, result: 'No messages matched.' };
        return { ok: true, result: JSON.stringify(found.map((hit) => ({ role: hit.role, date: hit.date, content: clip(hit.text, SEARCH_HIT_CHARS) }))) };
      }
      case 'open_files': {
        if (!Array.isArray(args.file_requests)) throw new ToolFailure('file_requests must be a list of {file_name, offset?, length?}');
        const requests = args.file_requests.map((request, index): OpenRequest => {
          const entry = (request ?? {}) as Record<string, unknown>;
          if (typeof entry.file_name !== 'string') throw new ToolFailure(`file_requests[${index}].file_name must be a file name`);
          return { file_name: entry.file_name, offset: optionalInteger(entry.offset, `file_requests[${index}].offset`), length: optionalInteger(entry.length, `file_requests[${index}].length`) };
        });
        return { ok: true, result: await ports.files.openFiles(ports.agentId, requests, args.close_all_others === true) };
      }
      case 'grep_files':
        if (typeof args.pattern !== 'string') throw new ToolFailure('pattern must be a regular expression');
        return {
          ok: true,
          result: await ports.files.grepFiles(ports.agentId, {
            pattern: args.pattern,
            include: typeof args.include === 'string' ? args.include : null,
            context_lines: optionalInteger(args.context_lines, 'context_lines'),
            offset: optionalInteger(args.offset, 'offset'),
          }),
        };
      case 'semantic_search_files':
        if (typeof args.query !== 'string') throw new ToolFailure('query must be what to look for');
        return { ok: true, result: await ports.files.semanticSearchFiles(ports.agentId, args.query, optionalInteger(args.limit, 'limit')) };
      case 'web_search':
        return { ok: true, result: await webSearch(args, ports.web) };
      case 'fetch_webpage':
        return { ok: true, result: await fetchWebpage(args, ports.web) };
      default:
        throw new ToolFailure(`The tool ${name} is not available on this server yet`);
    }
  } catch (error) {
    // The tool's own failures, and refusals by the services it calls (bad input, an embedding provider down), are results.
    if (error instanceof ToolFailure || error instanceof FileToolError || error instanceof MnemoError) return { ok: false, result: error.message };
    throw error;
  }
}
