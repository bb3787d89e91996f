import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import {
  agentIdParams,
  agentStateSchema,
  createAgentRequestSchema,
  listAgentsQuerySchema,
  retrieveAgentQuerySchema,
  updateAgentRequestSchema,
} from '../../schemas/agents.js';
import { emptyObjectResponse, queryBoolean } from '../../schemas/common.js';
import { toAgentState } from '../../serializers/agent-state.js';
import { relationshipsFromInclude } from '../../services/agents.js';
import type { AgentListFilter } from '../../domain/agent.js';

const countAgentsQuerySchema = listAgentsQuerySchema.omit({ before: true, after: true, limit: true, order: true, order_by: true, ascending: true, sort_by: true, include: true, include_relationships: true });

function agentFilter(query: z.infer<typeof countAgentsQuerySchema>): AgentListFilter {
  return {
    name: query.name,
    tags: query.tags,
    matchAllTags: query.match_all_tags ?? false,
    queryText: query.query_text,
    identityId: query.identity_id,
    identifierKeys: query.identifier_keys,
    projectId: query.project_id,
    templateId: query.template_id,
    baseTemplateId: query.base_template_id,
    createdById: query.created_by_id,
    lastStopReason: query.last_stop_reason,
  };
}

export function agentRoutes({ agents }: AppContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.post('/agents', { schema: { body: createAgentRequestSchema, response: { 200: agentStateSchema } } }, async (request) =>
      toAgentState(await agents.create(request.body)),
    );

    app.get('/agents', { schema: { querystring: listAgentsQuerySchema, response: { 200: z.array(agentStateSchema) } } }, async (request) => {
      const query = request.query;
      const order = query.ascending === undefined ? query.order : query.ascending ? 'asc' : 'desc';
      const list = await agents.list(
        agentFilter(query),
        { before: query.before, after: query.after, limit: query.limit, order },
        query.order_by,
        relationshipsFromInclude(query.include ?? query.include_relationships?.map((name) => `agent.${name}`)),
      );
      return list.map(toAgentState);
    });

    app.get('/agents/count', { schema: { querystring: countAgentsQuerySchema, response: { 200: z.number().int() } } }, async (request) =>
      agents.count(agentFilter(request.query)),
    );

    app.get(
      '/agents/:agent_id',
      { schema: { params: agentIdParams, querystring: retrieveAgentQuerySchema, response: { 200: agentStateSchema } } },
      async (request) => {
        const include = request.query.include ?? request.query.include_relationships?.map((name) => `agent.${name}`);
        return toAgentState(await agents.get(request.params.agent_id, relationshipsFromInclude(include)));
      },
    );

    app.patch(
      '/agents/:agent_id',
      { schema: { params: agentIdParams, body: updateAgentRequestSchema, response: { 200: agentStateSchema } } },
      async (request) => toAgentState(await agents.update(request.params.agent_id, request.body ?? {})),
    );

    app.delete('/agents/:agent_id', { schema: { params: agentIdParams, response: { 200: emptyObjectResponse } } }, async (request) => {
      await agents.delete(request.params.agent_id);
      return {};
    });

    const recompile = {
      schema: {
        params: agentIdParams,
        querystring: z.object({ dry_run: queryBoolean.optional(), update_timestamp: queryBoolean.optional() }),
        response: { 200: z.string() },
      },
    };
    for (const path of ['/agents/:agent_id/recompile', '/agents/:agent_id/system-prompt/recompile']) {
      app.post(path, recompile, async (request) => agents.recompile(request.params.agent_id, request.query.dry_run ?? false));
    }

    app.get('/agents/:agent_id/core-memory', { schema: { params: agentIdParams, response: { 200: agentStateSchema.shape.memory } } }, async (request) =>
      toAgentState(await agents.get(request.params.agent_id, new Set(['blocks']))).memory,
    );
  };
}
