import { z } from 'zod';
import { embeddingConfigInputSchema } from './agents.js';
import { idSchema, metadataSchema, paginationQuery, queryArray, queryBoolean } from './common.js';

const passageText = z.string().min(1, { error: 'must not be empty' }).max(1_000_000);
const tagsSchema = z.array(z.string().min(1).max(200)).max(100);
const tagMatchMode = z.enum(['any', 'all']);

export const archiveIdParams = z.object({ archive_id: idSchema('archive') });
export const archivePassageParams = z.object({ archive_id: idSchema('archive'), passage_id: idSchema('passage') });
export const agentArchiveParams = z.object({ agent_id: idSchema('agent'), archive_id: idSchema('archive') });
export const agentPassageParams = z.object({ agent_id: idSchema('agent'), memory_id: idSchema('passage') });

export const createArchiveRequestSchema = z.object({
  name: z.string().min(1).max(200),
  description: z.string().max(10_000).nullish(),
  embedding_config: embeddingConfigInputSchema.nullish(),
  embedding: z.string().min(1).max(300).nullish(),
});

export const updateArchiveRequestSchema = z.object({
  name: z.string().min(1).max(200).nullish(),
  description: z.string().max(10_000).nullish(),
});

export const listArchivesQuerySchema = paginationQuery(50, 'desc').extend({
  name: z.string().nullish(),
  agent_id: idSchema('agent').nullish(),
  order_by: z.literal('created_at').optional(),
});

export const listArchiveAgentsQuerySchema = paginationQuery(50, 'asc').extend({ include: queryArray(z.string()).optional() });

export const createPassageRequestSchema = z.object({
  text: passageText,
  metadata: metadataSchema.nullish(),
  tags: tagsSchema.nullish(),
  created_at: z.iso.datetime({ offset: true, local: true }).nullish(),
});

export const createPassagesBatchRequestSchema = z.object({ passages: z.array(createPassageRequestSchema).min(1).max(1000) });

export const createArchivalMemoryRequestSchema = z.object({
  text: passageText,
  tags: tagsSchema.nullish(),
  created_at: z.iso.datetime({ offset: true, local: true }).nullish(),
});

export const listArchivalMemoryQuerySchema = z.object({
  before: z.string().max(200).nullish(),
  after: z.string().max(200).nullish(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  search: z.string().max(10_000).nullish(),
  ascending: queryBoolean.default(true),
});

export const searchArchivalMemoryQuerySchema = z.object({
  query: z.string().min(1, { error: 'must not be empty' }).max(10_000),
  tags: queryArray(z.string().min(1).max(200)).optional(),
  tag_match_mode: tagMatchMode.default('any'),
  top_k: z.coerce.number().int().min(1).max(1000).nullish(),
  start_datetime: z.string().max(100).nullish(),
  end_datetime: z.string().max(100).nullish(),
});

export const searchPassagesRequestSchema = z.object({
  query: z.string().min(1, { error: 'must not be empty' }).max(10_000),
  agent_id: idSchema('agent').nullish(),
  archive_id: idSchema('archive').nullish(),
  tags: tagsSchema.nullish(),
  tag_match_mode: tagMatchMode.default('any'),
  limit: z.number().int().min(1).max(1000).default(50),
  start_date: z.string().max(100).nullish(),
  end_date: z.string().max(100).nullish(),
});

export const archiveSchema = z
  .object({ id: z.string(), name: z.string(), created_at: z.string(), embedding_config: metadataSchema.nullable() })
  .loose();
export const passageSchema = z.object({ id: z.string(), text: z.string(), archive_id: z.string().nullable() }).loose();
