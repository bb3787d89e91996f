import type { Archive, JsonObject, Passage, PassageFilter } from '../domain/archive.js';
import type { PageRequest } from '../domain/pagination.js';
import { EmbeddingError, offlineEmbeddingConfig, type Embedder, type EmbeddingRegistry } from '../embeddings/index.js';
import { BadRequestError, ConflictError, MnemoError, NotFoundError, ValidationError } from '../errors.js';
import { dateFilterBound } from '../memory/local-time.js';
import type { Repositories } from '../store/repositories/index.js';
import type { ArchiveListFilter } from '../store/repositories/archives.js';
import type { Store } from '../store/store.js';
import type { PassageVectors } from '../store/vector/index.js';
import type { ModelResolver } from './agents.js';
import { pageInMemory } from './blocks.js';

export interface NewPassageInput {
  text: string;
  tags?: string[] | null;
  metadata?: JsonObject | null;
  created_at?: string | null;
}

/** A semantic search over passages; dates are read in `timezone` when they carry no offset. */
export interface PassageQuery {
  query: string;
  topK: number;
  tags?: string[] | null;
  tagMatchMode?: 'any' | 'all';
  start?: string | null;
  end?: string | null;
  timezone: string;
  /** Where the dates came from, for error messages. */
  fields?: { start: string; end: string };
}

export interface EmbeddingChoice {
  embedding_config?: JsonObject | null;
  embedding?: string | null;
}

/** What embedding and searching need of an archive: a folder's archive is given by its folder. */
export type ArchiveTarget = Pick<Archive, 'id' | 'embeddingConfig'>;

export interface ScoredPassage {
  passage: Passage;
  score: number;
}

/** The embedding model of archives made without one: the offline model, so search works with no provider. */
function defaultEmbeddingConfig(): JsonObject {
  return { ...offlineEmbeddingConfig() };
}

/** The handle passages of an embedding config are stored and compared under. */
export function embeddingHandleOf(config: JsonObject): string {
  if (typeof config.handle === 'string' && config.handle) return config.handle;
  return `${String(config.embedding_endpoint_type ?? 'openai')}/${String(config.embedding_model ?? 'unknown')}`;
}

/** A provider failure while embedding, as the HTTP error a client should see. */
function embeddingFailure(error: unknown): unknown {
  if (!(error instanceof EmbeddingError)) return error;
  const status = error.kind === 'unavailable' ? 400 : error.kind === 'rate_limited' ? 429 : error.kind === 'bad_request' ? 400 : 502;
  return new MnemoError(`Embedding failed: ${error.message}`, 'EMBEDDING_FAILED', status, { kind: error.kind });
}

function cleanTags(tags: string[] | null | undefined): string[] {
  return [...new Set((tags ?? []).map((tag) => tag.trim()).filter(Boolean))];
}

/** How many passages the agent's archive holds, and their tags, as the compiled prompt shows them. */
export async function archivalStats(repos: Repositories, agentId: string): Promise<{ archivalPassageCount: number; archivalTags: string[] }> {
  const archiveId = await repos.archives.archiveIdOfAgent(agentId);
  if (!archiveId) return { archivalPassageCount: 0, archivalTags: [] };
  const [count, tags] = await Promise.all([repos.passages.countByArchive([archiveId]), repos.passages.tagsOf([archiveId])]);
  return { archivalPassageCount: count, archivalTags: tags };
}

/**
 * Archives and their passages: archival memory. Every passage of an archive is embedded with the
 * archive's model; searches embed the query with it and compare only vectors of that model.
 */
export class ArchiveService {
  constructor(
    private readonly store: Store,
    private readonly embeddings: EmbeddingRegistry,
    private readonly vectors: PassageVectors,
    private readonly models: ModelResolver,
  ) {}

  async create(request: { name: string; description?: string | null } & EmbeddingChoice): Promise<Archive> {
    return this.store.repos.archives.create({ name: request.name, description: request.description ?? null, embeddingConfig: await this.embeddingConfigOf(request) });
  }

  /** The embedding config asked for (a full config or a model handle), else the offline model's. */
  async embeddingConfigOf(request: EmbeddingChoice): Promise<JsonObject> {
    return request.embedding_config ?? (request.embedding ? await this.embeddingConfigFor(request.embedding) : defaultEmbeddingConfig());
  }

  get(archiveId: string): Promise<Archive> {
    return this.store.repos.archives.get(archiveId);
  }

  list(filter: ArchiveListFilter, page: PageRequest): Promise<Archive[]> {
    return this.store.repos.archives.list(filter, page);
  }

  async update(archiveId: string, patch: { name?: string | null; description?: string | null }): Promise<Archive> {
    await this.store.repos.archives.get(archiveId);
    return this.store.repos.archives.update(archiveId, {
      ...(patch.name != null ? { name: patch.name } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
    });
  }

  async delete(archiveId: string): Promise<void> {
    await this.store.transaction((repos) => repos.archives.delete(archiveId));
    this.vectors.invalidate(archiveId);
  }

  async agentIdsOf(archiveId: string, page: PageRequest): Promise<string[]> {
    await this.store.repos.archives.get(archiveId);
    const ids = await this.store.repos.archives.agentIdsOf(archiveId);
    return pageInMemory(ids.map((id) => ({ id })), page).map((entry) => entry.id);
  }

  async attach(agentId: string, archiveId: string): Promise<void> {
    await this.store.transaction(async (repos) => {
      await repos.agents.assertExists(agentId);
      await repos.archives.get(archiveId);
      const current = await repos.archives.archiveIdOfAgent(agentId);
      if (current === archiveId) throw new ConflictError(`Archive ${archiveId} is already attached to agent ${agentId}`, 'ALREADY_ATTACHED');
      if (current) throw new ConflictError(`Agent ${agentId} already has archive ${current}: an agent has one archive; detach it first`, 'ARCHIVE_ATTACHED', { archive_id: current });
      await repos.archives.attach(agentId, archiveId);
    });
  }

  async detach(agentId: string, archiveId: string): Promise<void> {
    await this.store.transaction(async (repos) => {
      await repos.agents.assertExists(agentId);
      await repos.archives.get(archiveId);
      if (!(await repos.archives.detach(agentId, archiveId))) throw new NotFoundError('archive', archiveId, ` attached to agent ${agentId}`);
    });
  }

  async addPassages(archiveId: string, inputs: NewPassageInput[]): Promise<Passage[]> {
    const archive = await this.store.repos.archives.get(archiveId);
    return this.insert(archive, inputs, 'passages');
  }

  async deletePassage(archiveId: string, passageId: string): Promise<void> {
    await this.store.transaction((repos) => repos.passages.delete(archiveId, passageId));
    this.vectors.invalidate(archiveId);
  }

  // An agent's archival memory: the archive attached to it, made on first write.

  async agentArchive(agentId: string): Promise<Archive | undefined> {
    const archiveId = await this.store.repos.archives.archiveIdOfAgent(agentId);
    return archiveId ? this.store.repos.archives.get(archiveId) : undefined;
  }

  /** A page of the agent's archival memory, with the archive it lives in (none before the first write). */
  async listForAgent(agentId: string, filter: PassageFilter, page: PageRequest): Promise<{ archive?: Archive; passages: Passage[] }> {
    await this.store.repos.agents.assertExists(agentId);
    const archive = await this.agentArchive(agentId);
    return { archive, passages: archive ? await this.store.repos.passages.list([archive.id], filter, page) : [] };
  }

  async insertForAgent(agentId: string, input: NewPassageInput): Promise<{ archive: Archive; passages: Passage[] }> {
    const archive = await this.ensureAgentArchive(agentId);
    return { archive, passages: await this.insert(archive, [input], 'text') };
  }

  async deleteForAgent(agentId: string, passageId: string): Promise<void> {
    await this.store.repos.agents.assertExists(agentId);
    const archive = await this.agentArchive(agentId);
    if (!archive) throw new NotFoundError('passage', passageId, ` in the archival memory of agent ${agentId}`);
    await this.deletePassage(archive.id, passageId);
  }

  /** Searches the agent's archive, reading dates in the agent's timezone (returned, to show times in). */
  async searchForAgent(agentId: string, query: Omit<PassageQuery, 'timezone'>): Promise<{ timezone: string; hits: ScoredPassage[] }> {
    const agent = await this.store.repos.agents.get(agentId);
    const archive = await this.agentArchive(agentId);
    return { timezone: agent.timezone, hits: archive ? await this.searchArchives([archive], { ...query, timezone: agent.timezone }) : [] };
  }

  /** `/v1/passages/search`: the agent's archive, the archive named, or every archive. */
  async searchPassages(scope: { agentId?: string | null; archiveId?: string | null }, query: PassageQuery): Promise<ScoredPassage[]> {
    // As in Letta, an agent wins over an archive when both are named.
    let archives: Archive[];
    if (scope.agentId) {
      await this.store.repos.agents.assertExists(scope.agentId);
      const archive = await this.agentArchive(scope.agentId);
      archives = archive ? [archive] : [];
    } else if (scope.archiveId) archives = [await this.store.repos.archives.get(scope.archiveId)];
    else archives = await this.allArchives();
    return this.searchArchives(archives, query);
  }

  private async allArchives(): Promise<Archive[]> {
    const archives: Archive[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.store.repos.archives.list({}, { limit: 500, order: 'asc', ...(after ? { after } : {}) });
      archives.push(...page);
      if (page.length < 500) return archives;
      after = page.at(-1)!.id;
    }
  }

  /** Embeds and stores the chunks of a folder's file in the folder's archive. */
  async addFilePassages(archive: ArchiveTarget, fileId: string, texts: string[]): Promise<void> {
    await this.insert(archive, texts.map((text) => ({ text })), 'chunks', fileId);
  }

  /** The passages of the archives most like the query (also the folders' file search). */
  async searchArchives(archives: ArchiveTarget[], query: PassageQuery): Promise<ScoredPassage[]> {
    if (!archives.length) return [];
    if (!query.query.trim()) throw ValidationError.field('query', 'must not be empty');
    const fields = query.fields ?? { start: 'start_datetime', end: 'end_datetime' };
    const createdFrom = dateFilterBound(query.start, query.timezone, fields.start, false);
    const createdTo = dateFilterBound(query.end, query.timezone, fields.end, true);
    const handles = new Map<string, ArchiveTarget[]>();
    for (const archive of archives) {
      const handle = embeddingHandleOf(archive.embeddingConfig ?? defaultEmbeddingConfig());
      handles.set(handle, [...(handles.get(handle) ?? []), archive]);
    }
    if (handles.size > 1) {
      const described = [...handles].map(([handle, group]) => `${handle} (${group.map((archive) => archive.id).join(', ')})`).join('; ');
      throw new BadRequestError(`These archives use different embedding models, whose scores cannot be compared: ${described}. Search one archive at a time (archive_id).`);
    }
    const [[handle, group]] = [...handles] as [[string, ArchiveTarget[]]];
    const embedder = this.embedderOf(group[0]!);
    const [vector] = await embedder.embed([query.query]).catch((error: unknown) => Promise.reject(embeddingFailure(error)));
    const tags = cleanTags(query.tags);
    const hits = await this.vectors.search(vector!, query.topK, {
      archiveIds: group.map((archive) => archive.id),
      embeddingHandle: handle,
      tags: tags.length ? { values: tags, mode: query.tagMatchMode ?? 'any' } : null,
      createdFrom,
      createdTo,
    });
    const passages = new Map((await this.store.repos.passages.findMany(hits.map((hit) => hit.passageId))).map((passage) => [passage.id, passage]));
    return hits.flatMap((hit) => {
      const passage = passages.get(hit.passageId);
      return passage ? [{ passage, score: hit.score }] : [];
    });
  }

  private async ensureAgentArchive(agentId: string): Promise<Archive> {
    const existing = await this.agentArchive(agentId);
    if (existing) return existing;
    const agent = await this.store.repos.agents.get(agentId);
    return this.store.transaction(async (repos) => {
      // Another request may have made it meanwhile.
      const raced = await repos.archives.archiveIdOfAgent(agentId);
      if (raced) return repos.archives.get(raced);
      const archive = await repos.archives.create({ name: `${agent.name}'s archival memory`, description: null, embeddingConfig: agent.embeddingConfig ?? defaultEmbeddingConfig() });
      await repos.archives.attach(agentId, archive.id);
      return archive;
    });
  }

  private embedderOf(archive: ArchiveTarget): Embedder {
    try {
      return this.embeddings.embedderFor(archive.embeddingConfig ?? defaultEmbeddingConfig());
    } catch (error) {
      throw embeddingFailure(error);
    }
  }

  /**
   * Embeds and stores passages. A vector whose dimension differs from the archive's is refused
   * before anything is written; an archive's first passages fix its dimension.
   */
  private async insert(archive: ArchiveTarget, inputs: NewPassageInput[], field: string, fileId?: string): Promise<Passage[]> {
    inputs.forEach((input, index) => {
      if (!input.text.trim()) throw ValidationError.field(inputs.length > 1 ? `${field}[${index}].text` : field, 'must not be empty');
    });
    const createdAts = inputs.map((input, index) => {
      if (!input.created_at) return undefined;
      const parsed = Date.parse(input.created_at);
      if (Number.isNaN(parsed)) throw ValidationError.field(inputs.length > 1 ? `${field}[${index}].created_at` : 'created_at', 'must be an ISO 8601 date-time');
      return new Date(parsed).toISOString();
    });
    const config = archive.embeddingConfig ?? defaultEmbeddingConfig();
    const embedder = this.embedderOf(archive);
    const vectors = await embedder.embed(inputs.map((input) => input.text)).catch((error: unknown) => Promise.reject(embeddingFailure(error)));
    const dimension = vectors[0]!.length;
    const handle = embeddingHandleOf(config);
    await this.vectors.prepareDimension(dimension);
    const passages = await this.store.transaction(async (repos) => {
      // The stored config, not the caller's copy: an earlier insert may have fixed the dimension since.
      const stored = (await repos.archives.embeddingConfigOf(archive.id)) ?? config;
      const expected = typeof stored.embedding_dim === 'number' ? stored.embedding_dim : undefined;
      if (expected !== undefined && expected !== dimension) {
        if ((await repos.passages.countByArchive([archive.id])) > 0) {
          throw new ConflictError(
            `The embedding model ${handle} returned ${dimension}-dimensional vectors, but archive ${archive.id} holds ${expected}-dimensional ones; nothing was stored`,
            'EMBEDDING_DIMENSION_MISMATCH',
          );
        }
        await repos.archives.update(archive.id, { embeddingConfig: { ...stored, embedding_dim: dimension } });
      }
      return repos.passages.insertMany(
        inputs.map((input, index) => ({
          archiveId: archive.id,
          text: input.text,
          tags: cleanTags(input.tags),
          metadata: input.metadata ?? {},
          embeddingHandle: handle,
          embedding: vectors[index]!,
          ...(createdAts[index] ? { createdAt: createdAts[index] } : {}),
          ...(fileId ? { fileId } : {}),
        })),
      );
    });
    this.vectors.invalidate(archive.id);
    return passages;
  }

  private async embeddingConfigFor(handle: string): Promise<JsonObject> {
    try {
      return await this.models.embeddingConfigFor(handle);
    } catch (error) {
      if (error instanceof ValidationError) throw new ValidationError(error.issues.map((issue) => ({ ...issue, path: 'embedding' })));
      throw error;
    }
  }
}
