import type { AgentRecord } from '../domain/agent.js';
import type { DirectoryView, FileView, Folder } from '../domain/folder.js';
import type { PageRequest } from '../domain/pagination.js';
import { NotFoundError } from '../errors.js';
import { fileLimitsOf, fileWindow, type FileWindow } from '../files/file-window.js';
import type { Directories } from '../memory/compile-system-prompt.js';
import type { Repositories } from '../store/repositories/index.js';
import type { Store } from '../store/store.js';
import { pageInMemory } from './blocks.js';

/** The tools an agent gets with its first folder and loses with its last. */
export const FILE_TOOL_NAMES = ['open_files', 'grep_files', 'semantic_search_files'] as const;

/** The attached folders and file views the agent's compiled prompt shows; undefined without folders. */
export async function directoriesOf(repos: Repositories, agent: AgentRecord): Promise<Directories | undefined> {
  const folders = (await repos.folders.ofAgents([agent.id])).get(agent.id);
  if (!folders?.length) return undefined;
  const views = await repos.fileViews.ofAgent(agent.id);
  const entries: DirectoryView[] = folders.map((folder) => ({ folder, files: views.filter((view) => view.folderId === folder.id) }));
  return { folders: entries, ...fileLimitsOf(agent) };
}

/**
 * Opens a file for the agent with the given window, first closing its least recently used open
 * files so that at most `maxFilesOpen` stay open. Returns the names of the files it closed.
 */
export async function openFileView(
  repos: Repositories,
  agentId: string,
  view: FileView,
  window: FileWindow,
  maxFilesOpen: number,
): Promise<string[]> {
  const others = (await repos.fileViews.ofAgent(agentId)).filter((other) => other.isOpen && other.fileId !== view.fileId);
  const excess = others.length - (maxFilesOpen - 1);
  const evicted = excess > 0 ? [...others].sort((a, b) => a.lastAccessedAt.localeCompare(b.lastAccessedAt) || a.id.localeCompare(b.id)).slice(0, excess) : [];
  await repos.fileViews.close(agentId, evicted.map((other) => other.fileId));
  await repos.fileViews.open(agentId, view.fileId, { visibleContent: window.text, startLine: window.startLine, endLine: window.endLine });
  return evicted.map((other) => other.fileName);
}

/**
 * Gives the agents that have the folder attached a view of a newly parsed file, opened at its
 * start (as Letta does with new uploads), closing their least recently used files past the limit.
 */
export async function showNewFile(repos: Repositories, folderId: string, file: { id: string; fileName: string; content: string }): Promise<void> {
  const agentIds = await repos.folders.agentIdsOf(folderId);
  for (const agent of await repos.agents.findMany(agentIds)) {
    await repos.fileViews.addClosed(agent.id, [{ fileId: file.id, folderId }]);
    const view = await repos.fileViews.findByFile(agent.id, file.id);
    if (view) await openFileView(repos, agent.id, view, windowOfWholeFile(file), fileLimitsOf(agent).maxFilesOpen);
  }
}

function windowOfWholeFile(file: { fileName: string; content: string }): FileWindow {
  return fileWindow(file.content, file.fileName);
}

export interface AgentFilePage {
  files: FileView[];
  nextCursor: string | null;
  hasMore: boolean;
}

/** Attaching folders to agents, and what agents see of their files. */
export class AgentFolderService {
  constructor(private readonly store: Store) {}

  /** Attaches the folder (see `attachFolderIn`). */
  async attach(agentId: string, folderId: string): Promise<void> {
    await this.store.transaction((repos) => attachFolderIn(repos, agentId, folderId));
  }

  /** Detaches the folder: its file views go, and the file tools too when no folder is left. */
  async detach(agentId: string, folderId: string): Promise<void> {
    await this.store.transaction(async (repos) => {
      await repos.agents.assertExists(agentId);
      await repos.folders.get(folderId);
      await detachFolderIn(repos, agentId, folderId);
    });
  }

  async folders(agentId: string, page: PageRequest): Promise<Folder[]> {
    await this.store.repos.agents.assertExists(agentId);
    return pageInMemory((await this.store.repos.folders.ofAgents([agentId])).get(agentId) ?? [], page);
  }

  async files(agentId: string, filter: { isOpen?: boolean | null }, page: PageRequest): Promise<AgentFilePage> {
    await this.store.repos.agents.assertExists(agentId);
    const rows = await this.store.repos.fileViews.page(agentId, filter, { ...page, limit: page.limit + 1 });
    const hasMore = rows.length > page.limit;
    const files = rows.slice(0, page.limit);
    return { files, hasMore, nextCursor: hasMore ? (files.at(-1)?.id ?? null) : null };
  }

  /** Opens the whole file; returns the names of the files closed to make room. */
  async open(agentId: string, fileId: string): Promise<string[]> {
    return this.store.transaction(async (repos) => {
      const agent = await repos.agents.get(agentId);
      const view = await repos.fileViews.findByFile(agentId, fileId);
      if (!view) throw new NotFoundError('file', fileId, ` attached to agent ${agentId}`);
      const file = await repos.files.find(fileId, { content: true });
      return openFileView(repos, agentId, view, windowOfWholeFile({ fileName: view.fileName, content: file?.content ?? '' }), fileLimitsOf(agent).maxFilesOpen);
    });
  }

  async close(agentId: string, fileId: string): Promise<void> {
    await this.store.transaction(async (repos) => {
      await repos.agents.assertExists(agentId);
      if (!(await repos.fileViews.findByFile(agentId, fileId))) throw new NotFoundError('file', fileId, ` attached to agent ${agentId}`);
      await repos.fileViews.close(agentId, [fileId]);
    });
  }

  /** Closes every open file; returns their names. */
  async closeAll(agentId: string): Promise<string[]> {
    return this.store.transaction(async (repos) => {
      await repos.agents.assertExists(agentId);
      const open = (await repos.fileViews.ofAgent(agentId)).filter((view) => view.isOpen);
      await repos.fileViews.close(agentId, open.map((view) => view.fileId));
      return open.map((view) => view.fileName);
    });
  }
}

/**
 * Attaches the folder: the agent gets the file tools and a view of every parsed file, the first
 * ones (up to its open-file limit) opened. Attaching twice changes nothing.
 */
export async function attachFolderIn(repos: Repositories, agentId: string, folderId: string): Promise<void> {
  const agent = await repos.agents.get(agentId);
  await repos.folders.get(folderId);
  if (!(await repos.folders.attach(agentId, folderId))) return;
  const tools = await repos.tools.findByNames([...FILE_TOOL_NAMES]);
  await repos.agents.attachTools(agentId, tools.map((tool) => tool.id));
  const files = await repos.files.inFolder(folderId, { parsedOnly: true });
  await repos.fileViews.addClosed(agentId, files.map((file) => ({ fileId: file.id, folderId })));
  const { maxFilesOpen } = fileLimitsOf(agent);
  // Only the files opened are read whole.
  for (const file of files.slice(0, maxFilesOpen)) {
    const view = await repos.fileViews.findByFile(agentId, file.id);
    if (!view) continue;
    const content = (await repos.files.find(file.id, { content: true }))?.content ?? '';
    await openFileView(repos, agentId, view, windowOfWholeFile({ fileName: file.fileName, content }), maxFilesOpen);
  }
}

/** Removes the folder's file views and attachment from the agent, and the file tools with its last folder. */
export async function detachFolderIn(repos: Repositories, agentId: string, folderId: string): Promise<void> {
  await repos.fileViews.removeFolder(agentId, folderId);
  if (!(await repos.folders.detach(agentId, folderId))) throw new NotFoundError('folder', folderId, ` attached to agent ${agentId}`);
  if ((await repos.folders.ofAgents([agentId])).get(agentId)?.length) return;
  for (const tool of await repos.tools.findByNames([...FILE_TOOL_NAMES])) await repos.agents.detachTool(agentId, tool.id);
}
