import { z } from 'zod';
import { idSchema, metadataSchema, paginationQuery, queryArray, queryBoolean } from './common.js';

export const blockIdParams = z.object({ block_id: idSchema('block') });

const LABEL_MAX = 200;
export const blockLabelSchema = z.string().trim().min(1, { error: 'must not be empty' }).max(LABEL_MAX);

const blockFieldsSchema = z.object({
  value: z.string(),
  limit: z.number().int().min(1).max(10_000_000).optional(),
  description: z.string().max(10_000).nullish(),
  read_only: z.boolean().optional(),
  hidden: z.boolean().nullish(),
  preserve_on_migration: z.boolean().nullish(),
  metadata: metadataSchema.nullish(),
  tags: z.array(z.string().min(1).max(200)).nullish(),
  template_name: z.string().max(LABEL_MAX).nullish(),
  is_template: z.boolean().optional(),
  template_id: z.string().nullish(),
  base_template_id: z.string().nullish(),
  deployment_id: z.string().nullish(),
  entity_id: z.string().nullish(),
  project_id: z.string().nullish(),
});

export const createBlockRequestSchema = blockFieldsSchema.extend({ label: blockLabelSchema });
export type CreateBlockRequest = z.infer<typeof createBlockRequestSchema>;

export const updateBlockRequestSchema = blockFieldsSchema
  .extend({ label: blockLabelSchema, limit: z.number().int().min(1).max(10_000_000).nullish(), value: z.string().nullish() })
  .partial();
export type UpdateBlockRequest = z.infer<typeof updateBlockRequestSchema>;

export const blockSchema = z.object({
  id: z.string(),
  label: z.string().nullable(),
  value: z.string(),
  limit: z.number(),
  description: z.string().nullable(),
  read_only: z.boolean(),
  hidden: z.boolean().nullable(),
  preserve_on_migration: z.boolean().nullable(),
  metadata: metadataSchema.nullable(),
  tags: z.array(z.string()).nullable(),
  template_name: z.string().nullable(),
  is_template: z.boolean(),
  template_id: z.string().nullable(),
  base_template_id: z.string().nullable(),
  deployment_id: z.string().nullable(),
  entity_id: z.string().nullable(),
  project_id: z.string().nullable(),
  created_by_id: z.string().nullable(),
  last_updated_by_id: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type BlockWire = z.infer<typeof blockSchema>;

export const listBlocksQuerySchema = paginationQuery(50, 'asc').extend({
  label: z.string().nullish(),
  templates_only: queryBoolean.optional(),
  name: z.string().nullish(),
  identity_id: idSchema('identity').nullish(),
  identifier_keys: queryArray(z.string()).optional(),
  project_id: z.string().nullish(),
  label_search: z.string().nullish(),
  description_search: z.string().nullish(),
  value_search: z.string().nullish(),
  connected_to_agents_count_gt: z.coerce.number().int().min(0).nullish(),
  connected_to_agents_count_lt: z.coerce.number().int().min(0).nullish(),
  connected_to_agents_count_eq: queryArray(z.coerce.number().int().min(0)).optional(),
  tags: queryArray(z.string()).optional(),
  match_all_tags: queryBoolean.optional(),
});
