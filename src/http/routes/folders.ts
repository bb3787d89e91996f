import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { ValidationError } from '../../errors.js';
import { agentStateSchema } from '../../schemas/agents.js';
import { passageSchema } from '../../schemas/archives.js';
import { emptyObjectResponse } from '../../schemas/common.js';
import {
  agentFileParams,
  agentFilePageSchema,
  agentFolderParams,
  createFolderRequestSchema,
  fileContentQuerySchema,
  fileMetadataSchema,
  folderFileParams,
  folderIdParams,
  folderMetadataQuerySchema,
  folderNameParams,
  folderSchema,
  listAgentFilesQuerySchema,
  listFolderAgentsQuerySchema,
  listFolderFilesQuerySchema,
  listFolderPassagesQuerySchema,
  listFoldersQuerySchema,
  updateFolderRequestSchema,
  uploadQuerySchema,
} from '../../schemas/folders.js';
import { agentIdParams } from '../../schemas/agents.js';
import { toAgentState } from '../../serializers/agent-state.js';
import { toPassageWire } from '../../serializers/archive.js';
import { toAgentFileWire, toFileWire, toFolderWire } from '../../serializers/folder.js';
import type { Upload } from '../../services/folders.js';

/** Reads the multipart `file` part; a part over the size limit is a 413 from @fastify/multipart. */
async function readUpload(request: FastifyRequest): Promise<Pick<Upload, 'fileName' | 'mimeType' | 'bytes'>> {
  if (!request.isMultipart()) throw ValidationError.field('file', 'send the file as multipart/form-data in a part named "file"');
  const part = await request.file();
  if (!part || part.fieldname !== 'file') throw ValidationError.field('file', 'the multipart body has no part named "file"');
  const bytes = await part.toBuffer();
  return { fileName: part.filename, mimeType: part.mimetype || null, bytes };
}

/**
 * Folders (`/v1/folders`, and the older `/v1/sources` with the same shapes), their files and
 * passages, and folders attached to agents.
 */
export function folderRoutes({ folders, agentFolders, agents }: AppContext): FastifyPluginAsync {
  const folderPaths = (base: FastifyInstance, root: '/folders' | '/sources') => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.post(root, { schema: { body: createFolderRequestSchema, response: { 200: folderSchema } } }, async (request) => toFolderWire(await folders.create(request.body)));

    app.get(root, { schema: { querystring: listFoldersQuerySchema, response: { 200: z.array(folderSchema) } } }, async (request) => {
      const { name, before, after, limit, order } = request.query;
      return (await folders.list({ name }, { before, after, limit, order })).map(toFolderWire);
    });

    app.get(`${root}/count`, { schema: { response: { 200: z.number().int() } } }, async () => folders.count());

    app.get(`${root}/metadata`, { schema: { querystring: folderMetadataQuerySchema } }, async (request) => {
      const stats = await folders.stats(request.query.include_detailed_per_source_metadata);
      return {
        total_sources: stats.totalFolders,
        total_files: stats.totalFiles,
        total_size: stats.totalSize,
        sources: stats.folders.map((entry) => ({
          source_id: entry.folder.id,
          source_name: entry.folder.name,
          folder_id: entry.folder.id,
          folder_name: entry.folder.name,
          file_count: entry.fileCount,
          total_size: entry.totalSize,
          files: (entry.files ?? []).map((file) => ({ file_id: file.id, file_name: file.fileName, file_size: file.fileSize })),
        })),
      };
    });

    app.get(`${root}/name/:folder_name`, { schema: { params: folderNameParams, response: { 200: z.string() } } }, async (request) => folders.idByName(request.params.folder_name));

    app.get(`${root}/:folder_id`, { schema: { params: folderIdParams, response: { 200: folderSchema } } }, async (request) => toFolderWire(await folders.get(request.params.folder_id)));

    app.patch(`${root}/:folder_id`, { schema: { params: folderIdParams, body: updateFolderRequestSchema, response: { 200: folderSchema } } }, async (request) =>
      toFolderWire(await folders.update(request.params.folder_id, request.body)),
    );

    app.delete(`${root}/:folder_id`, { schema: { params: folderIdParams, response: { 200: emptyObjectResponse } } }, async (request) => {
      await folders.delete(request.params.folder_id);
      return {};
    });

    app.post(`${root}/:folder_id/upload`, { schema: { params: folderIdParams, querystring: uploadQuerySchema, response: { 200: fileMetadataSchema } } }, async (request, reply) => {
      const upload = await readUpload(request);
      const { file, skipped } = await folders.upload(request.params.folder_id, { ...upload, name: request.query.name, duplicateHandling: request.query.duplicate_handling });
      if (skipped) reply.header('X-Upload-Result', 'skipped');
      return toFileWire(file);
    });

    app.get(`${root}/:folder_id/agents`, { schema: { params: folderIdParams, querystring: listFolderAgentsQuerySchema, response: { 200: z.array(z.string()) } } }, async (request) => {
      const { before, after, limit, order } = request.query;
      return folders.agentIds(request.params.folder_id, { before, after, limit, order });
    });

    app.get(`${root}/:folder_id/passages`, { schema: { params: folderIdParams, querystring: listFolderPassagesQuerySchema, response: { 200: z.array(passageSchema) } } }, async (request) => {
      const { before, after, limit, order } = request.query;
      const { folder, passages, fileNames } = await folders.passages(request.params.folder_id, { before, after, limit, order });
      return passages.map((passage) => toPassageWire(passage, folder.embeddingConfig, { folderId: folder.id, fileName: passage.fileId ? (fileNames.get(passage.fileId) ?? null) : null }));
    });

    app.get(`${root}/:folder_id/files`, { schema: { params: folderIdParams, querystring: listFolderFilesQuerySchema, response: { 200: z.array(fileMetadataSchema) } } }, async (request) => {
      const { before, after, limit, order, include_content } = request.query;
      return (await folders.files(request.params.folder_id, { before, after, limit, order }, include_content)).map(toFileWire);
    });

    app.get(`${root}/:folder_id/files/:file_id`, { schema: { params: folderFileParams, querystring: fileContentQuerySchema, response: { 200: fileMetadataSchema } } }, async (request) =>
      toFileWire(await folders.file(request.params.folder_id, request.params.file_id, request.query.include_content)),
    );

    app.delete(`${root}/:folder_id/:file_id`, { schema: { params: folderFileParams, response: { 200: emptyObjectResponse } } }, async (request) => {
      await folders.deleteFile(request.params.folder_id, request.params.file_id);
      return {};
    });
  };

  const agentPaths = (base: FastifyInstance, kind: 'folders' | 'sources') => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.patch(`/agents/:agent_id/${kind}/attach/:folder_id`, { schema: { params: agentFolderParams, response: { 200: agentStateSchema } } }, async (request) => {
      await agentFolders.attach(request.params.agent_id, request.params.folder_id);
      return toAgentState(await agents.get(request.params.agent_id));
    });

    app.patch(`/agents/:agent_id/${kind}/detach/:folder_id`, { schema: { params: agentFolderParams, response: { 200: agentStateSchema } } }, async (request) => {
      await agentFolders.detach(request.params.agent_id, request.params.folder_id);
      return toAgentState(await agents.get(request.params.agent_id));
    });

    app.get(`/agents/:agent_id/${kind}`, { schema: { params: agentIdParams, querystring: listFolderAgentsQuerySchema, response: { 200: z.array(folderSchema) } } }, async (request) => {
      const { before, after, limit, order } = request.query;
      return (await agentFolders.folders(request.params.agent_id, { before, after, limit, order })).map(toFolderWire);
    });
  };

  return async (app) => {
    folderPaths(app, '/folders');
    folderPaths(app, '/sources');
    agentPaths(app, 'folders');
    agentPaths(app, 'sources');
    const typed = app.withTypeProvider<ZodTypeProvider>();

    typed.get('/agents/:agent_id/files', { schema: { params: agentIdParams, querystring: listAgentFilesQuerySchema, response: { 200: agentFilePageSchema } } }, async (request) => {
      const { before, after, cursor, limit, order, is_open } = request.query;
      const page = await agentFolders.files(request.params.agent_id, { isOpen: is_open }, { before, after: after ?? cursor, limit, order });
      return { files: page.files.map(toAgentFileWire), next_cursor: page.nextCursor, has_more: page.hasMore };
    });

    typed.patch('/agents/:agent_id/files/close-all', { schema: { params: agentIdParams, response: { 200: z.array(z.string()) } } }, async (request) => agentFolders.closeAll(request.params.agent_id));

    typed.patch('/agents/:agent_id/files/:file_id/open', { schema: { params: agentFileParams, response: { 200: z.array(z.string()) } } }, async (request) =>
      agentFolders.open(request.params.agent_id, request.params.file_id),
    );

    typed.patch('/agents/:agent_id/files/:file_id/close', { schema: { params: agentFileParams, response: { 200: emptyObjectResponse } } }, async (request) => {
      await agentFolders.close(request.params.agent_id, request.params.file_id);
      return {};
    });
  };
}
