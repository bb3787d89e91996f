import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { agentIdParams, agentStateSchema } from '../../schemas/agents.js';
import { emptyObjectResponse, idSchema, paginationQuery } from '../../schemas/common.js';
import {
  countToolsQuerySchema,
  createToolRequestSchema,
  listToolsQuerySchema,
  runToolFromSourceRequestSchema,
  runToolRequestSchema,
  toolApprovalBodySchema,
  toolApprovalQuerySchema,
  toolIdParams,
  toolNameSchema,
  toolSchema,
  updateToolRequestSchema,
  type CountToolsQuery,
} from '../../schemas/tools.js';
import { toAgentState } from '../../serializers/agent-state.js';
import { toToolExecutionResult, toToolReturnMessage, toToolWire } from '../../serializers/tool.js';
import type { ToolListFilter } from '../../domain/tool.js';

const agentToolIdParams = z.object({ agent_id: idSchema('agent'), tool_id: idSchema('tool') });
const agentToolNameParams = z.object({ agent_id: idSchema('agent'), tool_name: toolNameSchema });

function filterFrom(query: CountToolsQuery): ToolListFilter {
  return {
    name: query.name,
    names: query.names,
    toolIds: query.tool_ids,
    search: query.search,
    toolTypes: query.tool_types,
    excludeToolTypes: query.exclude_tool_types,
    onlyLettaTools: query.return_only_letta_tools,
    excludeLettaTools: query.exclude_letta_tools,
  };
}

export function toolRoutes({ tools, agents }: AppContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.post('/tools', { schema: { body: createToolRequestSchema, response: { 200: toolSchema } } }, async (request) =>
      toToolWire(await tools.create(request.body)),
    );

    app.put('/tools', { schema: { body: createToolRequestSchema, response: { 200: toolSchema } } }, async (request) =>
      toToolWire(await tools.upsert(request.body)),
    );

    app.get('/tools', { schema: { querystring: listToolsQuerySchema, response: { 200: z.array(toolSchema) } } }, async (request) => {
      const { before, after, limit, order } = request.query;
      return (await tools.list(filterFrom(request.query), { before, after, limit, order })).map(toToolWire);
    });

    app.get('/tools/count', { schema: { querystring: countToolsQuerySchema, response: { 200: z.number().int() } } }, async (request) =>
      tools.count(filterFrom(request.query)),
    );

    app.post('/tools/add-base-tools', { schema: { response: { 200: z.array(toolSchema) } } }, async () => (await tools.addBaseTools()).map(toToolWire));

    app.post('/tools/run', { schema: { body: runToolFromSourceRequestSchema } }, async (request) => {
      const { name, outcome } = await tools.runFromSource(request.body);
      return toToolReturnMessage(name, outcome);
    });

    app.get('/tools/:tool_id', { schema: { params: toolIdParams, response: { 200: toolSchema } } }, async (request) =>
      toToolWire(await tools.get(request.params.tool_id)),
    );

    app.patch(
      '/tools/:tool_id',
      { schema: { params: toolIdParams, body: updateToolRequestSchema.nullish(), response: { 200: toolSchema } } },
      async (request) => toToolWire(await tools.update(request.params.tool_id, request.body ?? {})),
    );

    app.delete('/tools/:tool_id', { schema: { params: toolIdParams, response: { 200: emptyObjectResponse } } }, async (request) => {
      await tools.delete(request.params.tool_id);
      return {};
    });

    // An agent's tools.

    app.get(
      '/agents/:agent_id/tools',
      { schema: { params: agentIdParams, querystring: paginationQuery(50, 'asc'), response: { 200: z.array(toolSchema) } } },
      async (request) => (await tools.listForAgent(request.params.agent_id, request.query)).map(toToolWire),
    );

    app.patch(
      '/agents/:agent_id/tools/attach/:tool_id',
      { schema: { params: agentToolIdParams, response: { 200: agentStateSchema } } },
      async (request) => {
        await tools.attach(request.params.agent_id, request.params.tool_id);
        return toAgentState(await agents.get(request.params.agent_id));
      },
    );

    app.patch(
      '/agents/:agent_id/tools/detach/:tool_id',
      { schema: { params: agentToolIdParams, response: { 200: agentStateSchema } } },
      async (request) => {
        await tools.detach(request.params.agent_id, request.params.tool_id);
        return toAgentState(await agents.get(request.params.agent_id));
      },
    );

    app.patch(
      '/agents/:agent_id/tools/approval/:tool_name',
      { schema: { params: agentToolNameParams, querystring: toolApprovalQuerySchema, body: toolApprovalBodySchema, response: { 200: agentStateSchema } } },
      async (request) => {
        const body = request.body;
        const requiresApproval = body?.requires_approval ?? body?.body_requires_approval ?? request.query.requires_approval;
        await tools.setApproval(request.params.agent_id, request.params.tool_name, requiresApproval);
        return toAgentState(await agents.get(request.params.agent_id));
      },
    );

    app.post('/agents/:agent_id/tools/:tool_name/run', { schema: { params: agentToolNameParams, body: runToolRequestSchema } }, async (request) =>
      toToolExecutionResult(await tools.runForAgent(request.params.agent_id, request.params.tool_name, request.body?.args ?? {})),
    );
  };
}
