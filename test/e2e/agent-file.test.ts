import { INSTANCE_ID } from '../../src/services/run-supervisor.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toFile } from '@letta-ai/letta-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.js';
import { expectApiError } from '../support/expected-errors.js';
import { reply, type FakeModelServer } from '../support/fake-model/index.js';
import { startTestServerWithFakeModel, type TestServer } from '../support/server.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/agent-files');
const lettaFile = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

const TOOL_SOURCE = `def roll_dice(sides: int) -> str:
    """Roll a die.

    Args:
        sides: How many sides the die has.

    Returns:
        The number rolled.
    """
    return "4"
`;

/** The smallest valid file: one agent with one block and a system message. */
function minimalFile(): any {
  return {
    agents: [
      {
        id: 'agent-0',
        name: 'minimal',
        llm_config: { model: 'gpt-4o-mini', model_endpoint_type: 'openai', context_window: 128000, handle: 'openai/gpt-4o-mini' },
        block_ids: ['block-0'],
        tool_ids: [],
        in_context_message_ids: ['message-0'],
        messages: [{ id: 'message-0', role: 'system', content: [{ type: 'text', text: 'You are minimal.' }] }],
        files_agents: [],
      },
    ],
    groups: [],
    blocks: [{ id: 'block-0', label: 'human', value: 'Ann' }],
    files: [],
    sources: [],
    tools: [],
    mcp_servers: [],
  };
}

/** What may differ between two exports of the same content: timestamps, and a folder renamed because its name was taken. */
function normalised(file: any): any {
  return JSON.parse(JSON.stringify(file), (key, value) => {
    if (key === 'created_at' || key === 'last_accessed_at') return undefined;
    if (['processing_status', 'total_chunks', 'chunks_embedded', 'error_message'].includes(key)) return undefined;
    if (key === 'name' && typeof value === 'string') return value.replace(/_[0-9a-f]{8}$/, '');
    return value;
  });
}

describe.each(DIALECTS)('agent files on %s', (dialect) => {
  let server: TestServer;
  let fake: FakeModelServer;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ server, fake, close: stop } = await startTestServerWithFakeModel(dialect));
  });
  afterAll(async () => stop?.());

  const importText = async (text: string, options: Record<string, unknown> = {}) =>
    server.client.agents.importFile({ file: await toFile(Buffer.from(text), 'agent.af'), ...options });
  const exportOf = async (agentId: string, query: Record<string, unknown> = {}): Promise<any> => server.client.agents.exportFile(agentId, query);

  /** Row counts of everything an import writes. */
  async function counts(): Promise<Record<string, number>> {
    const db = server.context.store.db;
    const result: Record<string, number> = {};
    for (const table of ['agents', 'blocks', 'tools', 'messages', 'folders', 'files', 'file_agents', 'conversations'] as const) {
      const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      result[table] = Number(row.n);
    }
    return result;
  }

  /** A folder with two files, attached to the agent, one file open; written through the store, so no embedding runs. */
  async function attachFolder(agentId: string, name: string): Promise<void> {
    const repos = server.context.store.repos.agentFiles;
    const embeddingConfig = { embedding_model: 'use-lite-512', embedding_endpoint_type: 'mnemo', embedding_dim: 512, handle: 'mnemo/use-lite-512' };
    const folderId = (await server.context.store.repos.folders.create({ name, description: 'Docs', instructions: 'Read them', metadata: null, embeddingConfig })).id;
    const file = (fileName: string, content: string) => ({
      folderId, fileName: `${name}/${fileName}`, originalFileName: fileName, filePath: null, fileType: 'text/plain', fileSize: content.length,
      fileCreationDate: null, fileLastModifiedDate: null, processingStatus: 'completed' as const, errorMessage: null, totalChunks: 1, chunksEmbedded: 1, content,
    });
    const [guide, notes] = await server.context.store.repos.files.insertMany([file('guide.md', '# Guide\nStep one.'), file('notes.txt', 'remember the milk')], INSTANCE_ID);
    await repos.attachFolders(agentId, [folderId]);
    const at = new Date().toISOString();
    await server.context.store.repos.fileViews.insertMany([
      { agentId, fileId: guide!, folderId, isOpen: true, visibleContent: '1: # Guide\n2: Step one.', startLine: 1, endLine: 2, lastAccessedAt: at },
      { agentId, fileId: notes!, folderId, isOpen: false, visibleContent: null, startLine: null, endLine: null, lastAccessedAt: at },
    ]);
  }

  describe('GET /v1/agents/{agent_id}/export', () => {
    it('is a 404 for an unknown agent and a 501 for the legacy format', async () => {
      await expectApiError(exportOf('agent-00000000-0000-4000-8000-000000000000'), 404, 'not found');
      const model = fake.script([]);
      const agent = await server.client.agents.create({ model: model.handle });
      await expectApiError(exportOf(agent.id, { use_legacy_format: true }), 501, 'legacy');
      const other = await server.client.agents.create({ model: model.handle });
      const conversation = await server.client.conversations.create({ agent_id: other.id });
      await expectApiError(exportOf(agent.id, { conversation_id: conversation.id }), 404, conversation.id);
    });

    it('round trip: every kind of content survives export → import → export', async () => {
      const model = fake.script([reply.toolCall('memory_insert', { label: 'human', new_string: 'Likes tea.' }), reply.text('Noted, tea.'), reply.toolCall('roll_dice', { sides: 6 }), reply.text('You rolled 4.')]);
      const shared = await server.client.blocks.create({ label: 'team', value: 'Shared notes', description: 'team memory', limit: 5000 });
      const tool = await server.client.tools.create({ source_code: TOOL_SOURCE, tags: ['games'] });
      const agent = await server.client.agents.create({
        name: `round-trip-${dialect}`,
        model: model.handle,
        memory_blocks: [{ label: 'human', value: 'Name: Ann' }, { label: 'persona', value: 'Helpful', read_only: true }],
        block_ids: [shared.id],
        tool_ids: [tool.id],
        tool_rules: [{ type: 'max_count_per_step', tool_name: 'roll_dice', max_count_limit: 2 }],
        tags: ['b-tag', 'a-tag'],
        secrets: { API_KEY: 'sekret' },
        description: 'the original',
        timezone: 'Europe/Berlin',
      });
      await server.client.agents.create({ model: model.handle, block_ids: [shared.id] });
      await server.client.agents.messages.create(agent.id, { input: 'I like tea' });
      await server.client.agents.messages.create(agent.id, { input: 'Roll a die' });
      await attachFolder(agent.id, `docs-${dialect}`);

      const first = await exportOf(agent.id);
      expect(Object.keys(first)).toEqual(expect.arrayContaining(['agents', 'groups', 'blocks', 'files', 'sources', 'tools', 'mcp_servers', 'metadata', 'created_at']));
      const [exported] = first.agents;
      expect(exported.id).toBe('agent-0');
      expect(first.blocks.map((block: any) => [block.id, block.label])).toEqual([['block-0', 'human'], ['block-1', 'persona'], ['block-2', 'team']]);
      expect(exported.block_ids).toEqual(['block-0', 'block-1', 'block-2']);
      const dice = first.tools.find((entry: any) => entry.name === 'roll_dice');
      expect(dice).toMatchObject({ source_code: TOOL_SOURCE, source_type: 'python', tags: ['games'], json_schema: { name: 'roll_dice' } });
      expect(first.tools.every((entry: any) => /^tool-\d+$/.test(entry.id))).toBe(true);
      expect(exported.tool_rules).toContainEqual(expect.objectContaining({ type: 'max_count_per_step', tool_name: 'roll_dice' }));
      expect(exported.secrets).toEqual({ API_KEY: '' });
      expect(JSON.stringify(first)).not.toContain('sekret');
      const roles = exported.messages.map((message: any) => message.role);
      expect(roles[0]).toBe('system');
      expect(roles).toEqual(expect.arrayContaining(['user', 'assistant', 'tool']));
      const call = exported.messages.find((message: any) => message.tool_calls?.[0]?.function.name === 'roll_dice');
      const result = exported.messages.find((message: any) => message.role === 'tool' && message.tool_call_id === call.tool_calls[0].id);
      expect(result.tool_returns[0]).toMatchObject({ status: 'success', func_response: '4' });
      expect(exported.in_context_message_ids).toEqual(exported.messages.map((message: any) => message.id));
      expect(first.sources).toHaveLength(1);
      expect(first.files.map((file: any) => [file.id, file.source_id, file.content])).toEqual([
        ['file-0', 'source-0', '# Guide\nStep one.'],
        ['file-1', 'source-0', 'remember the milk'],
      ]);
      expect(exported.files_agents.map((link: any) => [link.file_id, link.is_open, link.visible_content])).toEqual([
        ['file-0', true, '1: # Guide\n2: Step one.'],
        ['file-1', false, null],
      ]);

      const before = await counts();
      const { agent_ids } = await importText(JSON.stringify(first), { append_copy_suffix: false, secrets: JSON.stringify({ API_KEY: 'fresh' }) });
      expect(agent_ids).toHaveLength(1);
      const copy = await server.client.agents.retrieve(agent_ids[0]!);
      expect(copy.id).not.toBe(agent.id);
      expect(copy.name).toBe(agent.name);
      expect(copy.blocks.map((block) => [block.label, block.value]).sort()).toEqual([['human', 'Name: Ann\nLikes tea.'], ['persona', 'Helpful'], ['team', 'Shared notes']].sort());
      expect(copy.blocks.find((block) => block.label === 'team')!.id).not.toBe(shared.id);
      expect(copy.tools.find((entry) => entry.name === 'roll_dice')!.id).toBe(tool.id);
      expect(copy.secrets?.map((secret) => [secret.key, secret.value])).toEqual([['API_KEY', 'fresh']]);
      expect(copy.timezone).toBe('Europe/Berlin');
      expect(copy.tags.sort()).toEqual(['a-tag', 'b-tag']);
      const listed = await server.client.agents.messages.list(copy.id, { order: 'asc' });
      const types = listed.getPaginatedItems().map((message) => message.message_type);
      expect(types).toEqual(expect.arrayContaining(['user_message', 'tool_call_message', 'tool_return_message', 'assistant_message']));
      const after = await counts();
      expect(after.folders - before.folders).toBe(1);
      expect(after.files - before.files).toBe(2);
      expect(after.messages - before.messages).toBe(exported.messages.length);

      const second = await exportOf(copy.id);
      expect(normalised(second)).toEqual(normalised(first));

      // The copy's files are embedded again in the background: they finish, and the agent's views
      // of them stay as imported (the closed file is not opened as a new upload would be).
      const folderId = copy.sources[0]!.id!;
      for (let attempt = 0; attempt < 600; attempt++) {
        const files = (await server.client.folders.files.list(folderId)).items as { processing_status?: string }[];
        if (files.every((entry) => entry.processing_status === 'completed' || entry.processing_status === 'error')) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const processed = await exportOf(copy.id);
      expect(processed.files.map((entry: any) => [entry.file_name.replace(/_[0-9a-f]{8}\//, '/'), entry.processing_status])).toEqual(first.files.map((entry: any) => [entry.file_name, 'completed']));
      expect(processed.agents[0].files_agents.map((link: any) => [link.file_id, link.is_open, link.visible_content])).toEqual(exported.files_agents.map((link: any) => [link.file_id, link.is_open, link.visible_content]));
    });

    it('files an import leaves to process belong to this process, so the sweep for abandoned work leaves them alone', async () => {
      const repos = server.context.store.repos;
      const embeddingConfig = { embedding_model: 'use-lite-512', embedding_endpoint_type: 'mnemo', embedding_dim: 512, handle: 'mnemo/use-lite-512' };
      const folderId = (await repos.folders.create({ name: `owned-${dialect}`, description: null, instructions: null, metadata: null, embeddingConfig })).id;
      const [pending] = await repos.files.insertMany(
        [{ folderId, fileName: 'later.txt', originalFileName: 'later.txt', filePath: null, fileType: 'text/plain', fileSize: 5, fileCreationDate: null, fileLastModifiedDate: null, processingStatus: 'pending', errorMessage: null, totalChunks: null, chunksEmbedded: null, content: 'later' }],
        INSTANCE_ID,
      );
      const failed = await repos.files.failAbandoned('abandoned', new Date(Date.now() - 60_000).toISOString());
      expect(failed).not.toContain(pending);
      expect((await repos.files.find(pending!))?.processingStatus).toBe('pending');
      await repos.files.delete(pending!);
    });

    it('scrub_messages leaves the history out; conversation_id exports that conversation', async () => {
      const model = fake.script([]);
      const agent = await server.client.agents.create({ model: model.handle });
      const scrubbed = await exportOf(agent.id, { scrub_messages: true });
      expect(scrubbed.agents[0].messages).toEqual([]);
      expect(scrubbed.agents[0].in_context_message_ids).toEqual([]);
      const conversation = await server.client.conversations.create({ agent_id: agent.id });
      const file = await exportOf(agent.id, { conversation_id: conversation.id });
      expect(file.agents[0].messages).toHaveLength(1);
      expect(file.agents[0].in_context_message_ids).toEqual(['message-0']);
    });
  });

  describe('POST /v1/agents/{agent_id}/export', () => {
    it('checks skills, and writes them into the file', async () => {
      const agent = await server.client.agents.create({ model: fake.script([]).handle });
      await expectApiError(server.client.post(`/v1/agents/${agent.id}/export`, { body: { skills: [{ name: 'pdf' }] } }), 422, 'skills[0]');
      const file: any = await server.client.post(`/v1/agents/${agent.id}/export`, { body: { skills: [{ name: 'pdf', files: { 'SKILL.md': '# PDF' } }], scrub_messages: true } });
      expect(file.skills).toEqual([{ name: 'pdf', files: { 'SKILL.md': '# PDF' } }]);
      expect(file.agents[0].messages).toEqual([]);
    });
  });

  describe('POST /v1/agents/import', () => {
    const malformed: [string, () => string, number, string][] = [
      ['bad JSON', () => '{"agents": [', 400, 'not valid JSON'],
      ['no agents list', () => JSON.stringify({ blocks: [] }), 422, 'file.agents'],
      ['a wrong id prefix', () => JSON.stringify({ ...minimalFile(), blocks: [{ id: 'blk-0', label: 'human', value: '' }] }), 422, 'file.blocks[0].id'],
      ['a duplicate id', () => { const file = minimalFile(); file.blocks.push({ id: 'block-0', label: 'persona', value: '' }); return JSON.stringify(file); }, 422, 'duplicate id "block-0"'],
      ['two sources of one name', () => { const file = minimalFile(); file.sources = [{ id: 'source-0', name: 'docs' }, { id: 'source-1', name: 'docs' }]; return JSON.stringify(file); }, 422, 'file.sources[1].name'],
      ['two files of one name in a source', () => {
        const file = minimalFile();
        file.sources = [{ id: 'source-0', name: 'docs' }];
        file.files = [0, 1].map((index) => ({ id: `file-${index}`, source_id: 'source-0', file_name: 'docs/a.txt', content: 'a' }));
        return JSON.stringify(file);
      }, 422, 'file.files[1].file_name'],
      ['a tool schema without a name', () => {
        const file = minimalFile();
        file.tools = [{ id: 'tool-0', name: 'roll', tool_type: 'custom', source_type: 'python', source_code: 'def roll():\n    return 4', json_schema: { parameters: { type: 'object', properties: {} } } }];
        return JSON.stringify(file);
      }, 422, 'file.tools[0].json_schema.name'],
      ['an unknown tool', () => { const file = minimalFile(); file.agents[0].tool_ids = ['tool-7']; return JSON.stringify(file); }, 422, 'file.agents[0].tool_ids[0]'],
      ['an unknown in-context message', () => { const file = minimalFile(); file.agents[0].in_context_message_ids = ['message-0', 'message-5']; return JSON.stringify(file); }, 422, 'message-5'],
      ['a file of an unknown source', () => JSON.stringify({ ...minimalFile(), files: [{ id: 'file-0', source_id: 'source-3', file_name: 'a.txt', content: 'a' }] }), 422, 'file.files[0].source_id'],
      ['an unknown built-in tool', () => { const file = minimalFile(); file.tools = [{ id: 'tool-0', name: 'teleport', tool_type: 'letta_core' }]; file.agents[0].tool_ids = ['tool-0']; return JSON.stringify(file); }, 501, 'teleport'],
      ['groups', () => JSON.stringify({ ...minimalFile(), groups: [{ id: 'group-0', agent_ids: ['agent-0'], description: 'team' }] }), 501, 'groups'],
      ['the legacy format', () => JSON.stringify({ name: 'old', core_memory: [], messages: [], in_context_message_indices: [] }), 501, 'legacy'],
    ];

    it.each(malformed)('refuses a file with %s, naming the problem, and writes nothing', async (_case, make, status, detail) => {
      const before = await counts();
      await expectApiError(importText(make()), status, detail);
      expect(await counts()).toEqual(before);
    });

    it('refuses a bad form: no file, bad secrets, an unknown model', async () => {
      const before = await counts();
      await expectApiError(server.client.post('/v1/agents/import', { body: {} }), 415, 'multipart');
      await expectApiError(importText(JSON.stringify(minimalFile()), { secrets: '[1]' }), 422, 'secrets');
      await expectApiError(importText(JSON.stringify(minimalFile()), { model: 'nowhere/model' }), 422, 'model');
      expect(await counts()).toEqual(before);
    });

    it('imports a file Letta wrote: blocks, custom tools, messages and the context window', async () => {
      const model = fake.script([reply.text('Hello again.')]);
      const { agent_ids } = await importText(lettaFile('test_basic_agent_with_blocks_tools_messages_v2.af'), { model: model.handle });
      const agent = await server.client.agents.retrieve(agent_ids[0]!);
      const source = JSON.parse(lettaFile('test_basic_agent_with_blocks_tools_messages_v2.af'));
      expect(agent.name).toBe(`${source.agents[0].name}_copy`);
      expect(agent.agent_type).toBe('memgpt_v2_agent');
      expect(agent.blocks.map((block) => block.label).sort()).toEqual(source.blocks.map((block: any) => block.label).sort());
      const analyze = agent.tools.find((tool) => tool.name === 'analyze_data')!;
      expect(analyze).toMatchObject({ source_type: 'python', tool_type: 'custom' });
      expect(analyze.source_code).toContain('def analyze_data');
      expect(agent.message_ids).toHaveLength(7);
      const messages = (await server.client.agents.messages.list(agent.id, { order: 'asc' })).getPaginatedItems();
      expect(messages.some((message) => message.message_type === 'user_message' && message.content === 'Test message for export')).toBe(true);
      // The imported history is the model's context on the next turn.
      await server.client.agents.messages.create(agent.id, { input: 'Remember me?' });
      expect(JSON.stringify(model.requests[0]!.body.messages)).toContain('Test message for export');
    });

    it('imports a file Letta wrote with a folder, its files and which are open, and embeds the files again', async () => {
      const model = fake.script([reply.toolCall('send_message', { message: 'I see two files.' })]);
      const { agent_ids } = await importText(lettaFile('test_agent_with_files_and_sources.af'), { name: `with-files-${dialect}`, embedding: 'mnemo/use-lite-512', model: model.handle });
      const agentId = agent_ids[0]!;
      const repos = server.context.store.repos.agentFiles;
      const [folder] = await repos.foldersOfAgent(agentId);
      expect(folder!.name).toMatch(/^test_disk_export_source/);
      const files = await repos.filesOfFolders([folder!.id]);
      expect(files.map((file) => file.fileName).sort()).toEqual(['test_disk_export_source/test.md', 'test_disk_export_source/test.txt']);
      expect(files.find((file) => file.fileName.endsWith('test.txt'))!.content).toBe('test');
      const views = await server.context.store.repos.fileViews.ofAgent(agentId);
      expect(views).toHaveLength(2);
      expect(views.every((view) => view.isOpen)).toBe(true);
      expect((await server.client.agents.retrieve(agentId)).name).toBe(`with-files-${dialect}`);
      const statuses = async () => (await repos.filesOfFolders([folder!.id])).map((file) => file.processingStatus);
      const deadline = Date.now() + 60_000;
      while ((await statuses()).some((status) => status !== 'completed' && status !== 'error') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await statuses()).toEqual(['completed', 'completed']);
      const passages = await server.context.store.db.selectFrom('passages').select('file_id').where('file_id', 'in', files.map((file) => file.id)).execute();
      expect(new Set(passages.map((passage) => passage.file_id)).size).toBe(2);
      // Its tool return names neither its call nor its response (they are the message's): the next turn still runs.
      const turn = await server.client.agents.messages.create(agentId, { input: 'And now?' });
      // send_message ends the turn by the file's tool rules.
      expect(turn.stop_reason.stop_reason).toBe('tool_rule');
      const sent = model.requests[0]!.body.messages as { role: string; tool_call_id?: string; content?: unknown }[];
      const toolMessage = sent.find((message) => message.role === 'tool' && message.tool_call_id === 'call_8KxcQ86q9CHLabJdvyA5oFbt');
      expect(JSON.stringify(toolMessage?.content)).toContain('Sent message succ');
    });

    it('applies name, model, embedding and project overrides; append_copy_suffix', async () => {
      const model = fake.script([]);
      const text = JSON.stringify(minimalFile());
      const plain = await server.client.agents.retrieve((await importText(text, { append_copy_suffix: false })).agent_ids[0]!);
      expect(plain.name).toBe('minimal');
      const copied = await server.client.agents.retrieve((await importText(text)).agent_ids[0]!);
      expect(copied.name).toBe('minimal_copy');
      const overridden = await server.client.agents.retrieve(
        (await importText(text, { override_name: 'renamed', override_model_handle: model.handle, embedding: 'mnemo/use-lite-512', project_id: 'proj-1' })).agent_ids[0]!,
      );
      expect(overridden).toMatchObject({ name: 'renamed', model: model.handle, embedding: 'mnemo/use-lite-512', project_id: 'proj-1' });
      expect(overridden.llm_config.handle).toBe(model.handle);
    });

    it('reuses a same-name tool, or overrides its definition when asked', async () => {
      const existing = await server.client.tools.create({ source_code: TOOL_SOURCE.replace('roll_dice', `roll_${dialect}`).replace('"4"', '"1"') });
      const file = minimalFile();
      file.tools = [{ id: 'tool-0', name: existing.name, tool_type: 'custom', source_type: 'python', source_code: 'def changed(): pass', json_schema: existing.json_schema }];
      file.agents[0].tool_ids = ['tool-0'];
      const kept = await server.client.agents.retrieve((await importText(JSON.stringify(file), { override_existing_tools: false })).agent_ids[0]!);
      expect(kept.tools.map((tool) => tool.id)).toEqual([existing.id]);
      expect((await server.client.tools.retrieve(existing.id)).source_code).toBe(existing.source_code);
      await importText(JSON.stringify(file));
      expect((await server.client.tools.retrieve(existing.id)).source_code).toBe('def changed(): pass');
    });

    it('strip_messages imports the agent with a fresh system prompt only', async () => {
      const file = minimalFile();
      file.agents[0].messages.push({ id: 'message-1', role: 'user', content: 'hello there' });
      file.agents[0].in_context_message_ids.push('message-1');
      const agent = await server.client.agents.retrieve((await importText(JSON.stringify(file), { strip_messages: true })).agent_ids[0]!);
      expect(agent.message_ids).toHaveLength(1);
      const [system] = (await server.client.agents.messages.list(agent.id)).getPaginatedItems();
      expect(system!.message_type).toBe('system_message');
      expect((system as any).content).toContain('<memory_blocks>');
      expect((system as any).content).toContain(agent.id);
    });
  });
});
