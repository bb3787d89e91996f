import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../app-context.js';
import { MnemoError, NotImplementedError, ValidationError } from '../../errors.js';
import { agentIdParams } from '../../schemas/agents.js';
import { exportAgentBodySchema, exportAgentQuerySchema, importAgentFieldsSchema, importAgentResponseSchema } from '../../schemas/agent-files.js';
import type { ImportOptions } from '../../services/agent-files.js';

/** The upload: the file's text and the form's other fields. */
async function readImportForm(request: FastifyRequest): Promise<{ text: string; fields: Record<string, string> }> {
  if (!request.isMultipart()) throw new MnemoError('Send the agent file as multipart/form-data with the file in the field "file"', 'UNSUPPORTED_MEDIA_TYPE', 415);
  let text: string | undefined;
  const fields: Record<string, string> = {};
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      const content = await part.toBuffer();
      if (part.fieldname === 'file') text = content.toString('utf8');
    } else if (typeof part.value === 'string') {
      fields[part.fieldname] = part.value;
    }
  }
  if (text === undefined) throw ValidationError.field('file', 'is required: upload the agent file in the multipart field "file"');
  return { text, fields };
}

function importOptions(raw: Record<string, string>, headers: FastifyRequest['headers']): ImportOptions {
  const parsed = importAgentFieldsSchema.safeParse(raw);
  if (!parsed.success) throw new ValidationError(parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })));
  const form = parsed.data;
  const header = (name: string) => (typeof headers[name] === 'string' ? (headers[name] as string) : undefined);
  return {
    name: form.name ?? form.override_name,
    appendCopySuffix: form.append_copy_suffix,
    overrideExistingTools: form.override_existing_tools,
    stripMessages: form.strip_messages,
    model: form.model ?? form.override_model_handle,
    embedding: form.embedding ?? form.override_embedding_handle ?? header('x-override-embedding-model'),
    projectId: header('x-project-id') ?? form.project_id,
    secrets: form.secrets ?? form.env_vars_json,
  };
}

/** Agent File (`.af`) export and import. */
export function agentFileRoutes({ agentFiles }: AppContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    // Letta answers with the file as indented JSON.
    app.get('/agents/:agent_id/export', { schema: { params: agentIdParams, querystring: exportAgentQuerySchema } }, async (request, reply) => {
      const { conversation_id, scrub_messages, use_legacy_format } = request.query;
      if (use_legacy_format) throw new NotImplementedError('Exporting the legacy single-agent (v1) agent file format');
      const file = await agentFiles.export(request.params.agent_id, { conversationId: conversation_id, scrubMessages: scrub_messages });
      return reply.type('application/json').send(JSON.stringify(file, null, 2));
    });

    app.post('/agents/:agent_id/export', { schema: { params: agentIdParams, body: exportAgentBodySchema } }, async (request, reply) => {
      const body = request.body;
      const file = await agentFiles.export(request.params.agent_id, { conversationId: body?.conversation_id, scrubMessages: body?.scrub_messages, skills: body?.skills });
      return reply.type('application/json').send(JSON.stringify(file, null, 2));
    });

    app.post('/agents/import', { schema: { response: { 200: importAgentResponseSchema } } }, async (request) => {
      const { text, fields } = await readImportForm(request);
      return { agent_ids: await agentFiles.import(text, importOptions(fields, request.headers)) };
    });
  };
}
