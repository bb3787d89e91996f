import { z } from 'zod';
import { IDENTITY_TYPES } from '../domain/identity.js';
import { idSchema, paginationQuery } from './common.js';

export const identityIdParams = z.object({ identity_id: idSchema('identity') });

export const identityPropertySchema = z
  .object({
    key: z.string().min(1).max(200),
    type: z.enum(['string', 'number', 'boolean', 'json']),
    value: z.union([z.string(), z.number(), z.boolean(), z.record(z.string(), z.unknown())]),
  })
  .superRefine((property, context) => {
    const actual = typeof property.value;
    const expected = property.type === 'json' ? 'object' : property.type;
    if (actual !== expected) context.addIssue({ code: 'custom', path: ['value'], message: `must be a ${property.type} value, got a ${actual}` });
  });

const identityFields = {
  identifier_key: z.string().trim().min(1).max(500),
  name: z.string().trim().min(1).max(500),
  identity_type: z.enum(IDENTITY_TYPES),
  project_id: z.string().max(200).nullish(),
  agent_ids: z.array(idSchema('agent')).max(1000).nullish(),
  block_ids: z.array(idSchema('block')).max(1000).nullish(),
  properties: z.array(identityPropertySchema).max(500).nullish(),
};

export const createIdentityRequestSchema = z.object(identityFields);
export type CreateIdentityRequest = z.infer<typeof createIdentityRequestSchema>;

export const updateIdentityRequestSchema = z.object({
  identifier_key: identityFields.identifier_key.nullish(),
  name: identityFields.name.nullish(),
  identity_type: identityFields.identity_type.nullish(),
  agent_ids: identityFields.agent_ids,
  block_ids: identityFields.block_ids,
  properties: identityFields.properties,
});
export type UpdateIdentityRequest = z.infer<typeof updateIdentityRequestSchema>;

export const listIdentitiesQuerySchema = paginationQuery(50, 'desc').extend({
  name: z.string().max(500).nullish(),
  project_id: z.string().max(200).nullish(),
  identifier_key: z.string().max(500).nullish(),
  identity_type: z.enum(IDENTITY_TYPES).nullish(),
  order_by: z.literal('created_at').optional(),
});
