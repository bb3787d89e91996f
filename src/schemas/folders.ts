import { z } from 'zod';
import { embeddingConfigInputSchema } from './agents.js';
import { idSchema, metadataSchema, paginationQuery, queryBoolean } from './common.js';

export const folderIdParams = z.object({ folder_id: idSchema('source') });
export const folderNameParams = z.object({ folder_name: z.string().min(1).max(500) });
export const folderFileParams = z.object({ folder_id: idSchema('source'), file_id: idSchema('file') });
export const agentFolderParams = z.object({ agent_id: idSchema('agent'), folder_id: idSchema('source') });
export const agentFileParams = z.object({ agent_id: idSchema('agent'), file_id: idSchema('file') });

/** Tokens per chunk a folder's files are cut into (the chunker needs room for its overlap). */
const chunkSizeSchema = z.number().int().min(16).max(8192);
/** A folder's embedding config: as an agent's, with a chunk size the chunker can use. */
const folderEmbeddingConfigSchema = embeddingConfigInputSchema.extend({ embedding_chunk_size: chunkSizeSchema.nullish() });

export const createFolderRequestSchema = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(10_000).nullish(),
  instructions: z.string().max(100_000).nullish(),
  metadata: metadataSchema.nullish(),
  embedding: z.string().min(1).max(300).nullish(),
  embedding_chunk_size: chunkSizeSchema.nullish(),
  embedding_config: folderEmbeddingConfigSchema.nullish(),
});

export const updateFolderRequestSchema = z.object({
  name: z.string().trim().min(1).max(200).nullish(),
  description: z.string().max(10_000).nullish(),
  instructions: z.string().max(100_000).nullish(),
  metadata: metadataSchema.nullish(),
  embedding_config: folderEmbeddingConfigSchema.nullish(),
});

export const listFoldersQuerySchema = paginationQuery(50, 'asc').extend({
  name: z.string().nullish(),
  order_by: z.literal('created_at').optional(),
});

export const folderMetadataQuerySchema = z.object({ include_detailed_per_source_metadata: queryBoolean.default(false) });

export const uploadQuerySchema = z.object({
  duplicate_handling: z.enum(['skip', 'error', 'suffix', 'replace']).default('suffix'),
  name: z.string().trim().min(1).max(500).nullish(),
});

export const listFolderFilesQuerySchema = paginationQuery(1000, 'asc').extend({
  include_content: queryBoolean.default(false),
  order_by: z.literal('created_at').optional(),
  check_status_updates: queryBoolean.optional(),
});

export const fileContentQuerySchema = z.object({ include_content: queryBoolean.default(false) });

export const listFolderPassagesQuerySchema = paginationQuery(100, 'asc').extend({ order_by: z.literal('created_at').optional() });
export const listFolderAgentsQuerySchema = paginationQuery(50, 'asc').extend({ order_by: z.literal('created_at').optional() });

export const listAgentFilesQuerySchema = paginationQuery(100, 'asc').extend({
  cursor: z.string().max(200).nullish(),
  is_open: queryBoolean.nullish(),
  order_by: z.literal('created_at').optional(),
});

export const folderSchema = z.object({ id: z.string(), name: z.string(), embedding_config: metadataSchema }).loose();
export const fileMetadataSchema = z.object({ id: z.string(), source_id: z.string(), file_name: z.string().nullable(), processing_status: z.string() }).loose();
export const agentFileSchema = z.object({ id: z.string(), file_id: z.string(), file_name: z.string(), folder_id: z.string(), folder_name: z.string(), is_open: z.boolean() }).loose();
export const agentFilePageSchema = z.object({ files: z.array(agentFileSchema), next_cursor: z.string().nullable(), has_more: z.boolean() });
