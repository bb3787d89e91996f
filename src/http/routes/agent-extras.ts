import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { NotImplementedError } from '../../errors.js';
import { agentIdParams } from '../../schemas/agents.js';
import { toAgentState } from '../../serializers/agent-state.js';

const NO_RELATIONSHIPS = new Set<never>();

/**
 * Agent sub-resources that letta-code reads on every run: the agent's secrets, and its MCP servers
 * and attached repositories, which Mnemo does not have (so they are empty, and changing them is a 501).
 */
export function agentExtraRoutes({ agents }: AppContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.get('/agents/:agent_id/secrets', { schema: { params: agentIdParams } }, async (request) =>
      toAgentState(await agents.get(request.params.agent_id, new Set(['secrets']))).secrets,
    );

    app.get('/agents/:agent_id/mcp-servers', { schema: { params: agentIdParams, response: { 200: z.array(z.never()) } } }, async (request) => {
      await agents.get(request.params.agent_id, NO_RELATIONSHIPS);
      return [];
    });

    app.post('/agents/:agent_id/mcp-servers/tools/search', { schema: { params: agentIdParams, response: { 200: z.array(z.never()) } } }, async (request) => {
      await agents.get(request.params.agent_id, NO_RELATIONSHIPS);
      return [];
    });

    app.get('/agents/:agent_id/repositories', { schema: { params: agentIdParams } }, async (request) => {
      await agents.get(request.params.agent_id, NO_RELATIONSHIPS);
      return { repositories: [] };
    });

    const mcpServers = () => {
      throw new NotImplementedError('MCP servers');
    };
    const repositories = () => {
      throw new NotImplementedError('Agent repositories (shared git memory)');
    };
    app.all('/agents/:agent_id/mcp-servers/*', mcpServers);
    app.all('/mcp-servers', mcpServers);
    app.all('/mcp-servers/*', mcpServers);
    app.route({ method: ['POST', 'DELETE'], url: '/agents/:agent_id/repositories', handler: repositories });
    app.all('/agents/:agent_id/repositories/*', repositories);
    app.all('/repositories', repositories);
    app.all('/repositories/*', repositories);
  };
}
