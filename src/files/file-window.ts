/**
 * What an agent sees of a file: numbered lines, a window of them when it asked for one, cut to
 * the agent's per-file character limit. Formats follow Letta's, so prompts written for Letta's
 * file tools read the same.
 */

export const FILE_TRUNCATED_NOTE = '# NOTE: This block is truncated, use functions to view the full content.';

/** Letta's defaults when an agent sets none: more and larger open files for larger context windows. */
export function defaultFileLimits(contextWindow: number | null | undefined): { maxFilesOpen: number; perFileViewWindowCharLimit: number } {
  if (!contextWindow) return { maxFilesOpen: 5, perFileViewWindowCharLimit: 50_000 };
  if (contextWindow <= 8_000) return { maxFilesOpen: 3, perFileViewWindowCharLimit: 5_000 };
  if (contextWindow <= 32_000) return { maxFilesOpen: 5, perFileViewWindowCharLimit: 15_000 };
  if (contextWindow <= 128_000) return { maxFilesOpen: 10, perFileViewWindowCharLimit: 25_000 };
  if (contextWindow <= 200_000) return { maxFilesOpen: 10, perFileViewWindowCharLimit: 40_000 };
  return { maxFilesOpen: 15, perFileViewWindowCharLimit: 40_000 };
}

/** The agent's own limits, or the defaults for its model's context window. */
export function fileLimitsOf(agent: { maxFilesOpen: number | null; perFileViewWindowCharLimit: number | null; llmConfig: Record<string, unknown> }) {
  const window = typeof agent.llmConfig.context_window === 'number' ? agent.llmConfig.context_window : null;
  const defaults = defaultFileLimits(window);
  return {
    maxFilesOpen: agent.maxFilesOpen ?? defaults.maxFilesOpen,
    perFileViewWindowCharLimit: agent.perFileViewWindowCharLimit ?? defaults.perFileViewWindowCharLimit,
  };
}

export function splitLines(content: string): string[] {
  const lines = content.split(/\r?\n/);
  if (lines.length > 1 && lines.at(-1) === '') lines.pop();
  return lines;
}

export class FileRangeError extends Error {}

export interface FileWindow {
  /** The header line and the numbered lines shown. */
  text: string;
  /** 1-based first line shown, when a window was asked for. */
  startLine: number | null;
  /** 1-based last line shown (inclusive), when the window has an end. */
  endLine: number | null;
}

/**
 * The numbered lines of `content` from `offset` (0-based) for `length` lines; the whole file
 * when neither is given. An offset past the end is an error naming the file's length.
 */
export function fileWindow(content: string, fileName: string, offset?: number | null, length?: number | null): FileWindow {
  const lines = splitLines(content);
  const total = lines.length;
  if (offset != null && offset < 0) throw new FileRangeError(`offset for ${fileName} must be 0 or more (0-based), got ${offset}`);
  if (length != null && length < 1) throw new FileRangeError(`length for ${fileName} must be 1 or more, got ${length}`);
  if (offset != null && offset >= total) throw new FileRangeError(`${fileName} has only ${total} lines, but offset ${offset} asks for line ${offset + 1}`);
  const start = offset ?? 0;
  const end = length != null ? Math.min(start + length, total) : total;
  const header =
    offset == null && length == null
      ? `[Viewing file start (out of ${total} lines)]`
      : length != null
        ? `[Viewing lines ${start + 1} to ${end} (out of ${total} lines)]`
        : `[Viewing lines ${start + 1} to end (out of ${total} lines)]`;
  const numbered = lines.slice(start, end).map((line, index) => `${start + index + 1}: ${line}`);
  return {
    text: [header, ...numbered].join('\n'),
    startLine: offset != null || length != null ? start + 1 : null,
    endLine: length != null ? end : null,
  };
}

/** What an agent sees of a file: its open window cut to the per-file limit; nothing while it is closed. */
export function visibleText(view: { isOpen: boolean; visibleContent: string | null }, limit: number): string {
  return view.isOpen && view.visibleContent ? limitVisible(view.visibleContent, limit) : '';
}

/** Cuts what an open file shows to the per-file limit, ending with a note saying how to read on. */
function limitVisible(visible: string, limit: number): string {
  if (visible.length <= limit) return visible;
  const note = `...[TRUNCATED]\n${FILE_TRUNCATED_NOTE}`;
  return visible.slice(0, Math.max(0, limit - note.length)) + note;
}
