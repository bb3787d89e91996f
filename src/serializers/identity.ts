import type { z } from 'zod';
import type { Identity } from '../domain/identity.js';
import type { identitySchema } from '../schemas/agents.js';

export function toIdentityWire(identity: Identity): z.infer<typeof identitySchema> {
  return {
    id: identity.id,
    identifier_key: identity.identifierKey,
    name: identity.name,
    identity_type: identity.identityType,
    project_id: identity.projectId,
    agent_ids: identity.agentIds,
    block_ids: identity.blockIds,
    properties: identity.properties,
  };
}
