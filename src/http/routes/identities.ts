import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import type { IdentityProperty } from '../../domain/identity.js';
import { agentIdParams, agentStateSchema, identitySchema } from '../../schemas/agents.js';
import { blockIdParams, blockSchema } from '../../schemas/blocks.js';
import { emptyObjectResponse, idSchema, paginationQuery } from '../../schemas/common.js';
import {
  createIdentityRequestSchema,
  identityIdParams,
  identityPropertySchema,
  listIdentitiesQuerySchema,
  updateIdentityRequestSchema,
} from '../../schemas/identities.js';
import { toAgentState } from '../../serializers/agent-state.js';
import { toBlockWire } from '../../serializers/block.js';
import { toIdentityWire } from '../../serializers/identity.js';

const agentIdentityParams = agentIdParams.extend({ identity_id: idSchema('identity') });
const blockIdentityParams = blockIdParams.extend({ identity_id: idSchema('identity') });
const countQuerySchema = listIdentitiesQuerySchema.pick({ name: true, project_id: true, identifier_key: true, identity_type: true });

export function identityRoutes({ identities, agents }: AppContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.post('/identities', { schema: { body: createIdentityRequestSchema, response: { 200: identitySchema } } }, async (request) =>
      toIdentityWire(await identities.create(request.body)),
    );

    app.put('/identities', { schema: { body: createIdentityRequestSchema, response: { 200: identitySchema } } }, async (request) =>
      toIdentityWire(await identities.upsert(request.body)),
    );

    app.get('/identities', { schema: { querystring: listIdentitiesQuerySchema, response: { 200: z.array(identitySchema) } } }, async (request) => {
      const { name, project_id, identifier_key, identity_type, before, after, limit, order } = request.query;
      const list = await identities.list({ name, projectId: project_id, identifierKey: identifier_key, identityType: identity_type }, { before, after, limit, order });
      return list.map(toIdentityWire);
    });

    app.get('/identities/count', { schema: { querystring: countQuerySchema, response: { 200: z.number().int() } } }, async (request) => {
      const { name, project_id, identifier_key, identity_type } = request.query;
      return identities.count({ name, projectId: project_id, identifierKey: identifier_key, identityType: identity_type });
    });

    app.get('/identities/:identity_id', { schema: { params: identityIdParams, response: { 200: identitySchema } } }, async (request) =>
      toIdentityWire(await identities.get(request.params.identity_id)),
    );

    app.patch(
      '/identities/:identity_id',
      { schema: { params: identityIdParams, body: updateIdentityRequestSchema, response: { 200: identitySchema } } },
      async (request) => toIdentityWire(await identities.update(request.params.identity_id, request.body ?? {})),
    );

    app.put(
      '/identities/:identity_id/properties',
      { schema: { params: identityIdParams, body: z.array(identityPropertySchema).max(500), response: { 200: identitySchema } } },
      async (request) => toIdentityWire(await identities.setProperties(request.params.identity_id, request.body as IdentityProperty[])),
    );

    app.delete('/identities/:identity_id', { schema: { params: identityIdParams, response: { 200: emptyObjectResponse } } }, async (request) => {
      await identities.delete(request.params.identity_id);
      return {};
    });

    app.get(
      '/identities/:identity_id/agents',
      { schema: { params: identityIdParams, querystring: paginationQuery(50, 'asc'), response: { 200: z.array(agentStateSchema) } } },
      async (request) => (await identities.agentsOf(request.params.identity_id, request.query)).map(toAgentState),
    );

    app.get(
      '/identities/:identity_id/blocks',
      { schema: { params: identityIdParams, querystring: paginationQuery(50, 'asc'), response: { 200: z.array(blockSchema) } } },
      async (request) => (await identities.blocksOf(request.params.identity_id, request.query)).map(toBlockWire),
    );

    app.patch(
      '/agents/:agent_id/identities/attach/:identity_id',
      { schema: { params: agentIdentityParams, response: { 200: agentStateSchema } } },
      async (request) => {
        await identities.attachToAgent(request.params.agent_id, request.params.identity_id);
        return toAgentState(await agents.get(request.params.agent_id));
      },
    );

    app.patch(
      '/agents/:agent_id/identities/detach/:identity_id',
      { schema: { params: agentIdentityParams, response: { 200: agentStateSchema } } },
      async (request) => {
        await identities.detachFromAgent(request.params.agent_id, request.params.identity_id);
        return toAgentState(await agents.get(request.params.agent_id));
      },
    );

    app.patch('/blocks/:block_id/identities/attach/:identity_id', { schema: { params: blockIdentityParams, response: { 200: blockSchema } } }, async (request) =>
      toBlockWire(await identities.attachToBlock(request.params.block_id, request.params.identity_id)),
    );

    app.patch('/blocks/:block_id/identities/detach/:identity_id', { schema: { params: blockIdentityParams, response: { 200: blockSchema } } }, async (request) =>
      toBlockWire(await identities.detachFromBlock(request.params.block_id, request.params.identity_id)),
    );
  };
}
