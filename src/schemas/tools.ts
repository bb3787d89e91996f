import { z } from 'zod';
import { MAX_RETURN_CHAR_LIMIT, TOOL_SOURCE_TYPES, TOOL_TYPES } from '../domain/tool.js';
import { idSchema, metadataSchema, paginationQuery, queryArray, queryBoolean } from './common.js';

export const toolTypeSchema = z.enum(TOOL_TYPES);

const requirementSchema = z.object({ name: z.string().min(1).max(200), version: z.string().max(100).nullish() });

export const toolSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  description: z.string().nullable(),
  tool_type: toolTypeSchema,
  source_type: z.string().nullable(),
  source_code: z.string().nullable(),
  json_schema: metadataSchema.nullable(),
  args_json_schema: metadataSchema.nullable(),
  tags: z.array(z.string()),
  return_char_limit: z.number(),
  pip_requirements: z.array(requirementSchema).nullable(),
  npm_requirements: z.array(requirementSchema).nullable(),
  default_requires_approval: z.boolean().nullable(),
  enable_parallel_execution: z.boolean().nullable(),
  metadata_: metadataSchema.nullable(),
  project_id: z.string().nullable(),
  created_by_id: z.string().nullable(),
  last_updated_by_id: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ToolWire = z.infer<typeof toolSchema>;

export const toolIdParams = z.object({ tool_id: idSchema('tool') });

/** A tool's name in a path: what a model calls it. */
export const toolNameSchema = z.string().min(1).max(200);

const jsonObjectSchema = z.record(z.string(), z.unknown());

const toolFieldsSchema = z.object({
  description: z.string().max(100_000).nullish(),
  tags: z.array(z.string().min(1).max(200)).max(100).nullish(),
  source_type: z.enum(TOOL_SOURCE_TYPES, { error: `must be one of ${TOOL_SOURCE_TYPES.join(', ')}` }).optional(),
  json_schema: jsonObjectSchema.nullish(),
  args_json_schema: jsonObjectSchema.nullish(),
  return_char_limit: z.number().int().min(1).max(MAX_RETURN_CHAR_LIMIT).optional(),
  pip_requirements: z.array(requirementSchema).max(200).nullish(),
  npm_requirements: z.array(requirementSchema).max(200).nullish(),
  default_requires_approval: z.boolean().nullish(),
  enable_parallel_execution: z.boolean().nullish(),
  metadata_: metadataSchema.nullish(),
});

/** `ToolCreate`, the body of create (POST) and upsert (PUT). */
export const createToolRequestSchema = toolFieldsSchema.extend({ source_code: z.string().min(1).max(1_000_000) });
export type CreateToolRequest = z.infer<typeof createToolRequestSchema>;

/** `ToolUpdate`: every field optional; `null` leaves a field unchanged, as Letta does. */
export const updateToolRequestSchema = toolFieldsSchema
  .extend({
    source_code: z.string().min(1).max(1_000_000).nullish(),
    source_type: toolFieldsSchema.shape.source_type.nullish(),
    return_char_limit: z.number().int().min(1).max(MAX_RETURN_CHAR_LIMIT).nullish(),
  })
  .partial();
export type UpdateToolRequest = z.infer<typeof updateToolRequestSchema>;

/** Values given once, repeated (`a=1&a=2`) or comma-separated (`a=1,2`). */
function listParameter<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value) =>
      value === undefined
        ? value
        : (Array.isArray(value) ? value : [value]).flatMap((entry) => String(entry).split(',')).map((entry) => entry.trim()).filter(Boolean),
    z.array(item).max(1000),
  );
}

const toolFilterQuerySchema = z.object({
  name: z.string().max(200).nullish(),
  names: queryArray(z.string().max(200)).optional(),
  tool_ids: listParameter(idSchema('tool')).optional(),
  search: z.string().max(200).nullish(),
  tool_types: listParameter(z.string().max(100)).optional(),
  exclude_tool_types: listParameter(z.string().max(100)).optional(),
  return_only_letta_tools: queryBoolean.optional(),
});

export const listToolsQuerySchema = paginationQuery(50, 'desc').extend({
  ...toolFilterQuerySchema.shape,
  order_by: z.literal('created_at').optional(),
});
export type ListToolsQuery = z.infer<typeof listToolsQuerySchema>;

export const countToolsQuerySchema = toolFilterQuerySchema.extend({ exclude_letta_tools: queryBoolean.optional() });
export type CountToolsQuery = z.infer<typeof countToolsQuerySchema>;

/** `PATCH /v1/agents/{id}/tools/approval/{tool_name}`: the setting comes in the body under either name, or in the query. */
export const toolApprovalBodySchema = z
  .object({ requires_approval: z.boolean().optional(), body_requires_approval: z.boolean().optional() })
  .nullish();
export const toolApprovalQuerySchema = z.object({ requires_approval: queryBoolean.optional() });

export const runToolRequestSchema = z.object({ args: jsonObjectSchema.optional() }).nullish();

/** `ToolRunFromSource`. */
export const runToolFromSourceRequestSchema = z.object({
  source_code: z.string().min(1).max(1_000_000),
  args: jsonObjectSchema,
  env_vars: z.record(z.string(), z.string()).optional(),
  name: z.string().max(200).nullish(),
  source_type: z.enum(TOOL_SOURCE_TYPES).nullish(),
  args_json_schema: jsonObjectSchema.nullish(),
  json_schema: jsonObjectSchema.nullish(),
  pip_requirements: z.array(requirementSchema).max(200).nullish(),
  npm_requirements: z.array(requirementSchema).max(200).nullish(),
});
export type RunToolFromSourceRequest = z.infer<typeof runToolFromSourceRequestSchema>;
