import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { agentIdParams, agentStateSchema } from '../../schemas/agents.js';
import {
  agentArchiveParams,
  agentPassageParams,
  archiveIdParams,
  archivePassageParams,
  archiveSchema,
  createArchivalMemoryRequestSchema,
  createArchiveRequestSchema,
  createPassageRequestSchema,
  createPassagesBatchRequestSchema,
  listArchivalMemoryQuerySchema,
  listArchiveAgentsQuerySchema,
  listArchivesQuerySchema,
  passageSchema,
  searchArchivalMemoryQuerySchema,
  searchPassagesRequestSchema,
  updateArchiveRequestSchema,
} from '../../schemas/archives.js';
import { emptyObjectResponse } from '../../schemas/common.js';
import { toAgentState } from '../../serializers/agent-state.js';
import { toArchivalSearchResult, toArchiveWire, toPassageWire } from '../../serializers/archive.js';
import { relationshipsFromInclude } from '../../services/agents.js';

/** Archives (`/v1/archives`), an agent's archival memory, and passage search. */
export function archiveRoutes({ archives, agents }: AppContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.post('/archives', { schema: { body: createArchiveRequestSchema, response: { 200: archiveSchema } } }, async (request) =>
      toArchiveWire(await archives.create(request.body)),
    );

    app.get('/archives', { schema: { querystring: listArchivesQuerySchema, response: { 200: z.array(archiveSchema) } } }, async (request) => {
      const { name, agent_id, before, after, limit, order } = request.query;
      return (await archives.list({ name, agentId: agent_id }, { before, after, limit, order })).map(toArchiveWire);
    });

    app.get('/archives/:archive_id', { schema: { params: archiveIdParams, response: { 200: archiveSchema } } }, async (request) =>
      toArchiveWire(await archives.get(request.params.archive_id)),
    );

    app.patch('/archives/:archive_id', { schema: { params: archiveIdParams, body: updateArchiveRequestSchema, response: { 200: archiveSchema } } }, async (request) =>
      toArchiveWire(await archives.update(request.params.archive_id, request.body)),
    );

    app.delete('/archives/:archive_id', { schema: { params: archiveIdParams, response: { 200: emptyObjectResponse } } }, async (request) => {
      await archives.delete(request.params.archive_id);
      return {};
    });

    app.get(
      '/archives/:archive_id/agents',
      { schema: { params: archiveIdParams, querystring: listArchiveAgentsQuerySchema, response: { 200: z.array(agentStateSchema) } } },
      async (request) => {
        const { before, after, limit, order, include } = request.query;
        const ids = await archives.agentIdsOf(request.params.archive_id, { before, after, limit, order });
        const relationships = relationshipsFromInclude(include);
        return Promise.all(ids.map(async (id) => toAgentState(await agents.get(id, relationships))));
      },
    );

    app.post(
      '/archives/:archive_id/passages',
      { schema: { params: archiveIdParams, body: createPassageRequestSchema, response: { 200: passageSchema } } },
      async (request) => {
        const archive = await archives.get(request.params.archive_id);
        const [passage] = await archives.addPassages(archive.id, [request.body]);
        return toPassageWire(passage!, archive.embeddingConfig);
      },
    );

    app.post(
      '/archives/:archive_id/passages/batch',
      { schema: { params: archiveIdParams, body: createPassagesBatchRequestSchema, response: { 200: z.array(passageSchema) } } },
      async (request) => {
        const archive = await archives.get(request.params.archive_id);
        const passages = await archives.addPassages(archive.id, request.body.passages);
        return passages.map((passage) => toPassageWire(passage, archive.embeddingConfig));
      },
    );

    app.delete('/archives/:archive_id/passages/:passage_id', { schema: { params: archivePassageParams, response: { 200: emptyObjectResponse } } }, async (request) => {
      await archives.deletePassage(request.params.archive_id, request.params.passage_id);
      return {};
    });

    app.post('/passages/search', { schema: { body: searchPassagesRequestSchema } }, async (request) => {
      const body = request.body;
      const hits = await archives.searchPassages(
        { agentId: body.agent_id, archiveId: body.archive_id },
        { query: body.query, topK: body.limit, tags: body.tags, tagMatchMode: body.tag_match_mode, start: body.start_date, end: body.end_date, timezone: 'UTC', fields: { start: 'start_date', end: 'end_date' } },
      );
      const configs = new Map((await Promise.all([...new Set(hits.map((hit) => hit.passage.archiveId))].map((id) => archives.get(id)))).map((archive) => [archive.id, archive.embeddingConfig]));
      return hits.map((hit) => ({ passage: toPassageWire(hit.passage, configs.get(hit.passage.archiveId) ?? null), score: hit.score, metadata: {} }));
    });

    // An agent's archive and archival memory.

    app.patch('/agents/:agent_id/archives/attach/:archive_id', { schema: { params: agentArchiveParams, response: { 200: emptyObjectResponse } } }, async (request) => {
      await archives.attach(request.params.agent_id, request.params.archive_id);
      return {};
    });

    app.patch('/agents/:agent_id/archives/detach/:archive_id', { schema: { params: agentArchiveParams, response: { 200: emptyObjectResponse } } }, async (request) => {
      await archives.detach(request.params.agent_id, request.params.archive_id);
      return {};
    });

    app.get(
      '/agents/:agent_id/archival-memory',
      { schema: { params: agentIdParams, querystring: listArchivalMemoryQuerySchema, response: { 200: z.array(passageSchema) } } },
      async (request) => {
        const { before, after, limit, search, ascending } = request.query;
        const { archive, passages } = await archives.listForAgent(request.params.agent_id, { text: search }, { before, after, limit, order: ascending ? 'asc' : 'desc' });
        return passages.map((passage) => toPassageWire(passage, archive?.embeddingConfig ?? null));
      },
    );

    app.post(
      '/agents/:agent_id/archival-memory',
      { schema: { params: agentIdParams, body: createArchivalMemoryRequestSchema, response: { 200: z.array(passageSchema) } } },
      async (request) => {
        const { archive, passages } = await archives.insertForAgent(request.params.agent_id, request.body);
        return passages.map((passage) => toPassageWire(passage, archive.embeddingConfig));
      },
    );

    app.get('/agents/:agent_id/archival-memory/search', { schema: { params: agentIdParams, querystring: searchArchivalMemoryQuerySchema } }, async (request) => {
      const query = request.query;
      const { timezone, hits } = await archives.searchForAgent(request.params.agent_id, {
        query: query.query,
        topK: query.top_k ?? 10,
        tags: query.tags,
        tagMatchMode: query.tag_match_mode,
        start: query.start_datetime,
        end: query.end_datetime,
        fields: { start: 'query.start_datetime', end: 'query.end_datetime' },
      });
      const results = hits.map((hit) => toArchivalSearchResult(hit.passage, timezone));
      return { results, count: results.length };
    });

    app.delete('/agents/:agent_id/archival-memory/:memory_id', { schema: { params: agentPassageParams, response: { 200: emptyObjectResponse } } }, async (request) => {
      await archives.deleteForAgent(request.params.agent_id, request.params.memory_id);
      return {};
    });
  };
}
