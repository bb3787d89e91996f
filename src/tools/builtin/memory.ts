/**
 * The memory-editing tools as pure edits of a block's value. Each returns the new value or throws
 * a ToolFailure whose message the model reads.
 */
export class ToolFailure extends Error {}

const LINE_NUMBER_PREFIX = /^\s*\d+→ /m;

function requireString(args: Record<string, unknown>, name: string, allowEmpty = false): string {
  const value = args[name];
  if (typeof value !== 'string') throw new ToolFailure(`Argument "${name}" is required and must be a string`);
  if (!allowEmpty && !value) throw new ToolFailure(`Argument "${name}" must not be empty`);
  return value;
}

function refuseLineNumbers(text: string, name: string): void {
  if (LINE_NUMBER_PREFIX.test(text)) throw new ToolFailure(`"${name}" contains line-number prefixes such as "1→ "; pass the text without them`);
}

function countOccurrences(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}

export const MEMORY_EDIT_TOOLS = new Set(['memory_insert', 'memory_replace', 'memory_rethink', 'core_memory_append', 'core_memory_replace']);

/** The block label a memory tool call edits. */
export function labelOf(args: Record<string, unknown>): string {
  return requireString(args, 'label');
}

export function applyMemoryEdit(tool: string, args: Record<string, unknown>, value: string): string {
  switch (tool) {
    case 'memory_insert': {
      const text = requireString(args, 'new_string', true);
      refuseLineNumbers(text, 'new_string');
      const lines = value === '' ? [] : value.split('\n');
      const at = args.insert_line === undefined || args.insert_line === null ? -1 : Number(args.insert_line);
      if (!Number.isInteger(at) || at < -1 || at > lines.length) throw new ToolFailure(`insert_line must be -1 (the end) or a line number from 0 to ${lines.length}`);
      lines.splice(at === -1 ? lines.length : at, 0, ...text.split('\n'));
      return lines.join('\n');
    }
    case 'memory_replace': {
      const oldText = requireString(args, 'old_string');
      const newText = requireString(args, 'new_string', true);
      refuseLineNumbers(oldText, 'old_string');
      refuseLineNumbers(newText, 'new_string');
      const count = countOccurrences(value, oldText);
      if (count === 0) throw new ToolFailure(`old_string was not found in the block; it must match the block's text exactly`);
      if (count > 1) throw new ToolFailure(`old_string appears ${count} times in the block; include more context so it matches once`);
      return value.replace(oldText, () => newText);
    }
    case 'memory_rethink': {
      const text = requireString(args, 'new_memory', true);
      refuseLineNumbers(text, 'new_memory');
      return text;
    }
    case 'core_memory_append': {
      const text = requireString(args, 'content', true);
      return value ? `${value}\n${text}` : text;
    }
    case 'core_memory_replace': {
      const oldText = requireString(args, 'old_content');
      const newText = requireString(args, 'new_content', true);
      if (!value.includes(oldText)) throw new ToolFailure(`old_content was not found in the block; it must match the block's text exactly`);
      return value.split(oldText).join(newText);
    }
    default:
      throw new ToolFailure(`${tool} is not a memory edit tool`);
  }
}
