import type { FileView } from '../domain/folder.js';
import { FileRangeError, fileLimitsOf, fileWindow, splitLines } from '../files/file-window.js';
import type { Store } from '../store/store.js';
import { openFileView } from './agent-folders.js';
import type { ArchiveService } from './archives.js';

/** A file tool's refusal, shown to the model as a failed result. */
export class FileToolError extends Error {}

export interface OpenRequest {
  file_name: string;
  offset?: number | null;
  length?: number | null;
}

const GREP_PAGE = 20;
/** Matches collected before grep stops looking, so a pattern that matches everything stays cheap. */
const GREP_MAX_COLLECTED = 1_000;
const PATTERN_MAX_LENGTH = 1_000;
const MAX_CONTEXT_LINES = 5;
/** Files (by size of text) grep reads in one call. */
const GREP_MAX_TEXT = 200 * 1024 * 1024;
/** A line longer than this is cut before the pattern sees it: it bounds the work one line can cost. */
const GREP_MAX_LINE = 10_000;
const SEARCH_MAX_RESULTS = 50;
const SEARCH_LINES_PER_PASSAGE = 20;

/**
 * Patterns whose matching can take exponential time on JavaScript's backtracking engine: a
 * quantified group with a quantifier inside, such as `(a+)+`, `(a*)*` or `(\w+\s?)+`.
 */
const NESTED_QUANTIFIER = /\([^)]*[+*}][^)]*\)[+*{]/;

function compilePattern(pattern: string, what: string): RegExp {
  if (pattern.length > PATTERN_MAX_LENGTH) throw new FileToolError(`${what} is too long: ${pattern.length} characters, the limit is ${PATTERN_MAX_LENGTH}`);
  if (NESTED_QUANTIFIER.test(pattern)) throw new FileToolError(`${what} "${pattern}" nests quantifiers (like (a+)+), which can take exponential time; simplify it`);
  try {
    return new RegExp(pattern, 'i');
  } catch (error) {
    throw new FileToolError(`${what} is not a valid regular expression: ${(error as Error).message}`);
  }
}

/** `*.md` style globs become anchored patterns; anything else is taken as a regular expression. */
function includeFilter(include: string): RegExp {
  const glob = include.includes('*') && !/[\^$()[\]{}\\+]/.test(include);
  const pattern = glob ? `${include.replace(/\./g, '\\.').replace(/\*/g, '.*').replace(/\?/g, '.')}$` : include;
  return compilePattern(pattern, 'include');
}

/** The file tools of the agent loop: open_files, grep_files and semantic_search_files. */
export class FileTools {
  constructor(
    private readonly store: Store,
    private readonly archives: ArchiveService,
  ) {}

  async openFiles(agentId: string, requests: OpenRequest[], closeAllOthers: boolean): Promise<string> {
    if (!requests.length) throw new FileToolError('file_requests is empty: name at least one file to open');
    return this.store.transaction(async (repos) => {
      const agent = await repos.agents.get(agentId);
      const { maxFilesOpen } = fileLimitsOf(agent);
      if (requests.length > maxFilesOpen) throw new FileToolError(`Cannot open ${requests.length} files: at most ${maxFilesOpen} may be open at once`);
      const views = await repos.fileViews.ofAgent(agentId);
      const byName = new Map(views.map((view) => [view.fileName, view]));
      const missing = requests.find((request) => !byName.has(request.file_name));
      if (missing) throw new FileToolError(`${missing.file_name} is not attached. The attached files are: ${views.map((view) => view.fileName).join(', ') || 'none'}`);
      const files = new Map((await repos.files.findMany(requests.map((request) => byName.get(request.file_name)!.fileId), { content: true })).map((file) => [file.id, file]));
      const windows = requests.map((request) => {
        const view = byName.get(request.file_name)!;
        try {
          return { request, view, window: fileWindow(files.get(view.fileId)?.content ?? '', view.fileName, request.offset, request.length) };
        } catch (error) {
          if (error instanceof FileRangeError) throw new FileToolError(error.message);
          throw error;
        }
      });
      const keep = new Set(windows.map(({ view }) => view.fileId));
      const closedOthers = closeAllOthers ? views.filter((view) => view.isOpen && !keep.has(view.fileId)) : [];
      await repos.fileViews.close(agentId, closedOthers.map((view) => view.fileId));
      const evicted: string[] = [];
      for (const { view, window } of windows) {
        evicted.push(...(await openFileView(repos, agentId, view, window, maxFilesOpen)));
      }
      const summaries = windows.map(({ request, view }) => {
        const range = request.offset != null ? ` (lines ${request.offset + 1}-${request.length != null ? request.offset + request.length : 'end'})` : '';
        const previous = view.isOpen && (view.startLine !== null || view.endLine !== null) ? ` (previously lines ${view.startLine ?? 1}-${view.endLine ?? 'end'})` : '';
        return `${request.file_name}${range}${previous}`;
      });
      const lines = [summaries.length === 1 ? `* Opened ${summaries[0]}` : `* Opened ${summaries.length} files: ${summaries.join(', ')}`];
      if (closedOthers.length) lines.push(`Note: Closed ${closedOthers.length} file(s) due to close_all_others=True: ${closedOthers.map((view) => view.fileName).join(', ')}`);
      const lru = [...new Set(evicted)];
      if (lru.length) lines.push(`Note: Closed ${lru.length} least recently used file(s) due to open file limit: ${lru.join(', ')}`);
      return lines.join('\n');
    });
  }

  async grepFiles(agentId: string, args: { pattern: string; include?: string | null; context_lines?: number | null; offset?: number | null }): Promise<string> {
    const pattern = args.pattern.trim();
    if (!pattern) throw new FileToolError('pattern is empty');
    const regex = compilePattern(pattern, 'pattern');
    const include = args.include?.trim() ? includeFilter(args.include.trim()) : undefined;
    const contextLines = Math.min(Math.max(args.context_lines ?? 1, 0), MAX_CONTEXT_LINES);
    const offset = Math.max(args.offset ?? 0, 0);
    let views = await this.store.repos.fileViews.ofAgent(agentId);
    if (!views.length) return 'No files are currently attached to search';
    if (include) {
      const all = views.length;
      views = views.filter((view) => include.test(view.fileName));
      if (!views.length) return `No files match the filename pattern '${args.include}' (filtered ${all} files)`;
    }
    const matches: { fileName: string; line: number; context: string[] }[] = [];
    const perFile = new Map<string, number>();
    let budget = GREP_MAX_TEXT;
    let skipped = 0;
    for (const view of views) {
      if (matches.length >= GREP_MAX_COLLECTED) break;
      const file = await this.store.repos.files.find(view.fileId, { content: true });
      const content = file?.content ?? '';
      if (content.length > budget) {
        skipped += 1;
        continue;
      }
      budget -= content.length;
      const lines = splitLines(content);
      for (let index = 0; index < lines.length && matches.length < GREP_MAX_COLLECTED; index += 1) {
        if (!regex.test(lines[index]!.slice(0, GREP_MAX_LINE))) continue;
        const from = Math.max(0, index - contextLines);
        const to = Math.min(lines.length, index + contextLines + 1);
        const context = lines.slice(from, to).map((line, offsetInContext) => `${from + offsetInContext === index ? '>' : ' '} ${from + offsetInContext + 1}: ${line}`);
        matches.push({ fileName: view.fileName, line: index + 1, context });
        perFile.set(view.fileName, (perFile.get(view.fileName) ?? 0) + 1);
      }
    }
    await this.touch(agentId, views.filter((view) => perFile.has(view.fileName)));
    if (!matches.length) {
      return `No matches found for pattern: '${pattern}'${args.include ? ` in files matching '${args.include}'` : ''}${skipped ? ` (skipped ${skipped} files over the size limit)` : ''}`;
    }
    const capped = matches.length >= GREP_MAX_COLLECTED;
    const total = capped ? `${GREP_MAX_COLLECTED}+` : String(matches.length);
    const page = matches.slice(offset, offset + GREP_PAGE);
    const out = [
      `Found ${total} total matches across ${perFile.size} files (showing matches ${Math.min(offset + 1, matches.length)}-${Math.min(offset + GREP_PAGE, matches.length)} of ${total})`,
      ...(skipped ? [`Note: Skipped ${skipped} files due to size limits`] : []),
      '='.repeat(80),
      '',
      'Files with matches:',
      ...[...perFile].sort((a, b) => b[1] - a[1]).map(([name, count]) => `  - ${name}: ${count} matches`),
      '',
      ...page.map((match) => `\n=== ${match.fileName}:${match.line} ===\n${match.context.join('\n')}`),
      '',
      offset + GREP_PAGE < matches.length ? `To see more matches, call: grep_files(pattern="${pattern}", offset=${offset + GREP_PAGE})` : 'No more matches to show.',
    ];
    return out.join('\n');
  }

  async semanticSearchFiles(agentId: string, query: string, limit: number | null | undefined): Promise<string> {
    if (!query.trim()) throw new FileToolError('query is empty');
    const topK = Math.min(Math.max(limit ?? 5, 1), SEARCH_MAX_RESULTS);
    const folders = (await this.store.repos.folders.ofAgents([agentId])).get(agentId) ?? [];
    if (!folders.length) return 'No files are currently attached to search';
    const agent = await this.store.repos.agents.get(agentId);
    const hits = await this.archives.searchArchives(
      folders.map((folder) => ({ id: folder.archiveId, embeddingConfig: folder.embeddingConfig })),
      { query: query.trim(), topK, timezone: agent.timezone },
    );
    if (!hits.length) return `No semantic matches found for query: '${query}'`;
    const views = new Map((await this.store.repos.fileViews.ofAgent(agentId)).map((view) => [view.fileId, view]));
    await this.touch(agentId, hits.flatMap((hit) => (hit.passage.fileId && views.has(hit.passage.fileId) ? [views.get(hit.passage.fileId)!] : [])));
    const fileCount = new Set(hits.map((hit) => hit.passage.fileId)).size;
    const summary = `Found ${hits.length} matches in ${fileCount} file${fileCount === 1 ? '' : 's'} for query: '${query}'`;
    const passages = hits.map((hit, index) => {
      const lines = hit.passage.text.trim().split('\n');
      const shown = lines.slice(0, SEARCH_LINES_PER_PASSAGE).map((line) => `  ${line}`);
      if (lines.length > SEARCH_LINES_PER_PASSAGE) shown.push(`  ... [truncated ${lines.length - SEARCH_LINES_PER_PASSAGE} more lines]`);
      const name = (hit.passage.fileId && views.get(hit.passage.fileId)?.fileName) ?? 'Unknown File';
      return `\n=== ${name} (passage #${index + 1}) (score: ${hit.score.toFixed(3)}) ===\n${shown.join('\n')}`;
    });
    return [summary, '='.repeat(summary.length), ...passages].join('\n');
  }

  private async touch(agentId: string, views: FileView[]): Promise<void> {
    await this.store.repos.fileViews.touch(agentId, [...new Set(views.map((view) => view.fileId))]);
  }
}
