import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { agentIdParams, agentStateSchema } from '../../schemas/agents.js';
import { blockIdParams, blockSchema, createBlockRequestSchema, listBlocksQuerySchema, updateBlockRequestSchema } from '../../schemas/blocks.js';
import { emptyObjectResponse, idSchema, paginationQuery } from '../../schemas/common.js';
import { toAgentState } from '../../serializers/agent-state.js';
import { toBlockWire } from '../../serializers/block.js';
import { pageInMemory } from '../../services/blocks.js';

const agentBlockLabelParams = z.object({ agent_id: idSchema('agent'), block_label: z.string().min(1).max(200) });
const agentBlockIdParams = z.object({ agent_id: idSchema('agent'), block_id: idSchema('block') });

export function blockRoutes({ blocks, agents }: AppContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.post('/blocks', { schema: { body: createBlockRequestSchema, response: { 200: blockSchema } } }, async (request) =>
      toBlockWire(await blocks.create(request.body)),
    );

    app.get('/blocks', { schema: { querystring: listBlocksQuerySchema, response: { 200: z.array(blockSchema) } } }, async (request) => {
      const query = request.query;
      const list = await blocks.list(
        {
          label: query.label,
          templatesOnly: query.templates_only,
          name: query.name,
          identityId: query.identity_id,
          identifierKeys: query.identifier_keys,
          projectId: query.project_id,
          labelSearch: query.label_search,
          descriptionSearch: query.description_search,
          valueSearch: query.value_search,
          connectedToAgentsCountGt: query.connected_to_agents_count_gt,
          connectedToAgentsCountLt: query.connected_to_agents_count_lt,
          connectedToAgentsCountEq: query.connected_to_agents_count_eq,
          tags: query.tags,
          matchAllTags: query.match_all_tags,
        },
        { before: query.before, after: query.after, limit: query.limit, order: query.order },
      );
      return list.map(toBlockWire);
    });

    app.get(
      '/blocks/count',
      { schema: { querystring: listBlocksQuerySchema.pick({ label: true, templates_only: true, name: true, tags: true, match_all_tags: true, project_id: true }), response: { 200: z.number().int() } } },
      async (request) => {
        const query = request.query;
        return blocks.count({ label: query.label, templatesOnly: query.templates_only, name: query.name, tags: query.tags, matchAllTags: query.match_all_tags, projectId: query.project_id });
      },
    );

    app.get('/blocks/:block_id', { schema: { params: blockIdParams, response: { 200: blockSchema } } }, async (request) =>
      toBlockWire(await blocks.get(request.params.block_id)),
    );

    app.patch(
      '/blocks/:block_id',
      { schema: { params: blockIdParams, body: updateBlockRequestSchema, response: { 200: blockSchema } } },
      async (request) => toBlockWire(await blocks.update(request.params.block_id, request.body ?? {})),
    );

    app.delete('/blocks/:block_id', { schema: { params: blockIdParams, response: { 200: emptyObjectResponse } } }, async (request) => {
      await blocks.delete(request.params.block_id);
      return {};
    });

    app.get(
      '/blocks/:block_id/agents',
      { schema: { params: blockIdParams, querystring: paginationQuery(50, 'asc'), response: { 200: z.array(agentStateSchema) } } },
      async (request) => {
        const ids = pageInMemory((await blocks.agentIdsOf(request.params.block_id)).map((id) => ({ id })), request.query);
        return (await agents.getMany(ids.map((item) => item.id))).map(toAgentState);
      },
    );

    // An agent's core memory.

    app.get(
      '/agents/:agent_id/core-memory/blocks',
      { schema: { params: agentIdParams, querystring: paginationQuery(50, 'asc'), response: { 200: z.array(blockSchema) } } },
      async (request) => (await blocks.listForAgent(request.params.agent_id, request.query)).map(toBlockWire),
    );

    app.get(
      '/agents/:agent_id/core-memory/blocks/:block_label',
      { schema: { params: agentBlockLabelParams, response: { 200: blockSchema } } },
      async (request) => toBlockWire(await blocks.getForAgent(request.params.agent_id, request.params.block_label)),
    );

    app.patch(
      '/agents/:agent_id/core-memory/blocks/:block_label',
      { schema: { params: agentBlockLabelParams, body: updateBlockRequestSchema, response: { 200: blockSchema } } },
      async (request) => toBlockWire(await blocks.updateForAgent(request.params.agent_id, request.params.block_label, request.body ?? {})),
    );

    app.patch(
      '/agents/:agent_id/core-memory/blocks/attach/:block_id',
      { schema: { params: agentBlockIdParams, response: { 200: agentStateSchema } } },
      async (request) => {
        await blocks.attach(request.params.agent_id, request.params.block_id);
        return toAgentState(await agents.get(request.params.agent_id));
      },
    );

    app.patch(
      '/agents/:agent_id/core-memory/blocks/detach/:block_id',
      { schema: { params: agentBlockIdParams, response: { 200: agentStateSchema } } },
      async (request) => {
        await blocks.detach(request.params.agent_id, request.params.block_id);
        return toAgentState(await agents.get(request.params.agent_id));
      },
    );
  };
}
