import { toFile } from '@letta-ai/letta-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.js';
import { expectApiError } from '../support/expected-errors.js';
import { reply, type FakeModelServer } from '../support/fake-model/index.js';
import { RunSupervisor } from '../../src/services/run-supervisor.js';
import { SAMPLE_SENTENCES, sampleFile } from '../support/sample-files.js';
import { startTestServerWithFakeModel, type TestServer } from '../support/server.js';

describe.each(DIALECTS)('folders and files on %s', (dialect) => {
  let server: TestServer;
  let fake: FakeModelServer;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ server, fake, close: stop } = await startTestServerWithFakeModel(dialect, { maxUploadBytes: 2 * 1024 * 1024 }));
  });
  afterAll(async () => stop?.());

  let folderCount = 0;
  const newFolder = (extra: Record<string, unknown> = {}) => server.client.folders.create({ name: `docs-${++folderCount}`, ...extra });
  const upload = async (folderId: string, name: string, bytes: Buffer = sampleFile(name), params: Record<string, unknown> = {}) =>
    server.client.folders.files.upload(folderId, { file: await toFile(bytes, name), ...params });

  /** Polls the file until it stops processing; statuses seen on the way must only move forward. */
  async function settled(folderId: string, fileId: string) {
    const order = ['pending', 'parsing', 'embedding', 'completed', 'error'];
    let last = 0;
    for (let attempt = 0; attempt < 600; attempt++) {
      const file = await server.client.folders.files.retrieve(fileId, { folder_id: folderId });
      const status = (file as { processing_status: string }).processing_status;
      expect(order.indexOf(status)).toBeGreaterThanOrEqual(last);
      last = order.indexOf(status);
      if (status === 'completed' || status === 'error') return file as typeof file & Record<string, any>;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`file ${fileId} never finished processing`);
  }

  it('creates, lists, renames, counts and deletes folders, also under /v1/sources', async () => {
    const folder = await newFolder({ description: 'Product docs', instructions: 'Read these first' });
    expect(folder).toMatchObject({ name: `docs-${folderCount}`, description: 'Product docs', instructions: 'Read these first', embedding_config: { handle: 'mnemo/use-lite-512' } });
    expect(folder.id).toMatch(/^source-/);
    const listed = await server.client.folders.list({ name: folder.name });
    expect(listed.items.map((item) => item.id)).toEqual([folder.id]);
    expect(await server.client.get(`/v1/folders/name/${folder.name}`)).toBe(folder.id);
    expect(await server.client.get(`/v1/sources/${folder.id}`)).toMatchObject({ id: folder.id, name: folder.name });
    const count = (await server.client.get('/v1/folders/count')) as number;
    expect(count).toBeGreaterThanOrEqual(1);
    const renamed = await server.client.folders.update(folder.id, { name: `${folder.name}-renamed` });
    expect(renamed.name).toBe(`${folder.name}-renamed`);
    await expectApiError(newFolder({ name: renamed.name }), 409, 'already exists');
    await expectApiError(server.client.folders.create({ name: '' }), 422, 'name');
    await server.client.folders.delete(folder.id);
    await expectApiError(server.client.folders.retrieve(folder.id), 404, folder.id);
    expect(await server.client.get('/v1/folders/count')).toBe(count - 1);
  });

  it('uploads every supported type, parses and embeds it in the background, and shows progress', async () => {
    const folder = await newFolder();
    const uploads = [];
    for (const [name] of SAMPLE_SENTENCES) {
      const created = await upload(folder.id, name);
      expect(created).toMatchObject({ file_name: `${folder.name}/${name}`, source_id: folder.id });
      expect(['pending', 'parsing', 'embedding', 'completed']).toContain((created as any).processing_status);
      uploads.push(created);
    }
    for (const [index, [name, sentence]] of SAMPLE_SENTENCES.entries()) {
      const created = uploads[index]!;
      const done = await settled(folder.id, created.id);
      expect(done.processing_status, `${name}: ${done.error_message}`).toBe('completed');
      expect(done.total_chunks).toBeGreaterThan(0);
      expect(done.chunks_embedded).toBe(done.total_chunks);
      const withContent = await server.client.folders.files.retrieve(created.id, { folder_id: folder.id, include_content: true });
      expect(withContent.content, name).toContain(sentence);
      expect((await server.client.folders.files.retrieve(created.id, { folder_id: folder.id })).content).toBeNull();
    }
    const html = (await server.client.folders.files.list(folder.id, { include_content: true })).items.find((file) => file.file_name?.endsWith('sample.html'));
    expect(html?.content).not.toContain('SCRIPT_TEXT_MUST_NOT_APPEAR');
    const passages = (await server.client.get(`/v1/folders/${folder.id}/passages`, { query: { limit: 1000 } })) as Record<string, any>[];
    expect(passages.length).toBeGreaterThanOrEqual(SAMPLE_SENTENCES.length);
    expect(passages[0]).toMatchObject({ source_id: folder.id, file_id: expect.stringMatching(/^file-/), file_name: expect.stringContaining(folder.name) });
    const metadata = (await server.client.get('/v1/folders/metadata', { query: { include_detailed_per_source_metadata: true } })) as Record<string, any>;
    const mine = metadata.sources.find((entry: any) => entry.source_id === folder.id);
    expect(mine).toMatchObject({ file_count: SAMPLE_SENTENCES.length, files: expect.arrayContaining([expect.objectContaining({ file_name: `${folder.name}/sample.pdf` })]) });
  }, 90_000);

  it('refuses bad uploads with clear errors and writes nothing', async () => {
    const folder = await newFolder();
    await expectApiError(upload(folder.id, 'tool.exe', Buffer.from('MZ binary')), 415, 'Unsupported file type');
    await expectApiError(upload(folder.id, 'empty.txt'), 422, 'empty');
    await expectApiError(upload(folder.id, 'big.txt', Buffer.alloc(3 * 1024 * 1024, 'a')), 413);
    expect((await server.client.folders.files.list(folder.id)).items).toEqual([]);
    // Corrupt content is accepted, then fails in processing with its reason kept.
    const corrupt = await upload(folder.id, 'corrupt.pdf');
    const failed = await settled(folder.id, corrupt.id);
    expect(failed.processing_status).toBe('error');
    expect(failed.error_message).toMatch(/pdf/i);
    await expectApiError(server.client.folders.files.upload('source-00000000-0000-4000-8000-000000000000', { file: await toFile(sampleFile('sample.txt'), 'a.txt') }), 404, 'not found');
  });

  it('embeds a long file in many batches when the folder\'s config got the dimension wrong: the first batch corrects it', async () => {
    const embedding_config = { embedding_model: 'use-lite-512', embedding_endpoint_type: 'mnemo', handle: 'mnemo/use-lite-512', embedding_dim: 384, embedding_chunk_size: 16 };
    const folder = await newFolder({ embedding_config });
    const text = Array.from({ length: 120 }, (_, index) => `Line ${index}: ${SAMPLE_SENTENCES[index % SAMPLE_SENTENCES.length]}`).join('\n');
    const done = await settled(folder.id, (await upload(folder.id, 'long.txt', Buffer.from(text))).id);
    expect(done.processing_status, done.error_message ?? '').toBe('completed');
    expect(done.total_chunks).toBeGreaterThan(64);
    expect((await server.client.folders.retrieve(folder.id)).embedding_config).toMatchObject({ embedding_dim: 512 });
    // Its files' vectors are of this model: the model cannot change under them.
    await expectApiError(server.client.folders.update(folder.id, { embedding_config: { ...embedding_config, embedding_dim: 512, embedding_model: 'other' } as any }), 422, 'embedding_config');
    const waiting = await newFolder();
    await server.context.store.repos.files.insertMany(
      [{ folderId: waiting.id, fileName: `${waiting.name}/later.txt`, originalFileName: 'later.txt', filePath: null, fileType: 'text/plain', fileSize: 5, fileCreationDate: null, fileLastModifiedDate: null, processingStatus: 'pending', errorMessage: null, totalChunks: null, chunksEmbedded: null, content: 'later' }],
      'another-process',
    );
    await expectApiError(server.client.folders.update(waiting.id, { embedding_config: { ...embedding_config, embedding_dim: 512 } as any }), 422, 'embedding_config');
    const empty = await newFolder();
    expect((await server.client.folders.update(empty.id, { embedding_config: { ...embedding_config, embedding_dim: 512 } as any })).embedding_config).toMatchObject({ embedding_dim: 512, embedding_chunk_size: 16 });
    await expectApiError(newFolder({ embedding_config: { ...embedding_config, embedding_chunk_size: 4 } }), 422, 'embedding_config.embedding_chunk_size');
  });

  it('handles duplicate names by suffix, error, skip and replace', async () => {
    const folder = await newFolder();
    const first = await upload(folder.id, 'sample.txt');
    await settled(folder.id, first.id);
    const suffixed = await upload(folder.id, 'sample.txt');
    expect(suffixed.file_name).toBe(`${folder.name}/sample_(1).txt`);
    await expectApiError(upload(folder.id, 'sample.txt', undefined, { duplicate_handling: 'error' }), 409, 'already exists');
    const skipped = await upload(folder.id, 'sample.txt', undefined, { duplicate_handling: 'skip' });
    expect(skipped.id).toBe(first.id);
    const replaced = await upload(folder.id, 'sample.txt', Buffer.from('A brand new text.\n'), { duplicate_handling: 'replace' });
    expect(replaced.id).not.toBe(first.id);
    expect(replaced.file_name).toBe(`${folder.name}/sample.txt`);
    await expectApiError(server.client.folders.files.retrieve(first.id, { folder_id: folder.id }), 404);
    const renamed = await upload(folder.id, 'sample.md', undefined, { name: 'notes.md' });
    expect(renamed.file_name).toBe(`${folder.name}/notes.md`);
    await Promise.all([settled(folder.id, suffixed.id), settled(folder.id, replaced.id), settled(folder.id, renamed.id)]);
  });

  it('attaches a folder: file tools, open files in the prompt, LRU closing, open/close endpoints, detach', async () => {
    const folder = await newFolder({ description: 'Reference material' });
    const files = [];
    for (const name of ['sample.txt', 'sample.md', 'sample.py']) files.push(await settled(folder.id, (await upload(folder.id, name)).id));
    const model = fake.script([reply.text('noted')]);
    const agent = await server.client.agents.create({ model: model.handle, max_files_open: 2 });
    const attached = await server.client.agents.folders.attach(folder.id, { agent_id: agent.id });
    expect(attached?.tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['open_files', 'grep_files', 'semantic_search_files']));
    expect(attached?.sources.map((source) => source.id)).toEqual([folder.id]);
    expect((await server.client.agents.folders.list(agent.id)).items.map((item) => item.id)).toEqual([folder.id]);
    expect(await server.client.get(`/v1/folders/${folder.id}/agents`)).toEqual([agent.id]);

    const views = (await server.client.agents.files.list(agent.id)).files;
    expect(views.map((view) => view.file_name)).toEqual(files.map((file) => file.file_name));
    expect(views.filter((view) => view.is_open)).toHaveLength(2);
    const fileBlocks = (attached as any).memory.file_blocks as Record<string, any>[];
    expect(fileBlocks.find((block) => block.is_open)?.value).toContain('[Viewing file start');

    // Opening the closed one closes the least recently used.
    const closedOne = views.find((view) => !view.is_open)!;
    const evicted = await server.client.agents.files.open(closedOne.file_id, { agent_id: agent.id });
    expect(evicted).toEqual([views.find((view) => view.is_open)!.file_name]);

    await server.client.agents.messages.create(agent.id, { input: 'hi', max_steps: 1 });
    const system = JSON.stringify((model.requests.at(-1)!.body as any).messages[0]);
    expect(system).toContain(`<directory name=\\"${folder.name}\\">`);
    expect(system).toContain('<description>Reference material</description>');
    expect(system).toContain('- max_files_open=2');
    expect(system).toContain(`<file status=\\"open\\" name=\\"${closedOne.file_name}\\">`);
    expect(system).toContain(`<file status=\\"closed\\" name=\\"${views.find((view) => view.is_open)!.file_name}\\">`);

    await server.client.agents.files.close(closedOne.file_id, { agent_id: agent.id });
    expect((await server.client.agents.files.list(agent.id, { is_open: true })).files).toHaveLength(1);
    expect(await server.client.agents.files.closeAll(agent.id)).toHaveLength(1);
    expect((await server.client.agents.files.list(agent.id, { is_open: true })).files).toHaveLength(0);

    // Paging follows next_cursor.
    const firstPage = await server.client.agents.files.list(agent.id, { limit: 2 });
    expect(firstPage.has_more).toBe(true);
    const all = [];
    for await (const view of await server.client.agents.files.list(agent.id, { limit: 2 })) all.push(view.file_id);
    expect(all).toEqual(views.map((view) => view.file_id));

    const detached = await server.client.agents.folders.detach(folder.id, { agent_id: agent.id });
    expect(detached?.tools.map((tool) => tool.name)).not.toContain('open_files');
    expect(detached?.sources).toEqual([]);
    expect((await server.client.agents.files.list(agent.id)).files).toEqual([]);
  });

  it('attaches folders given on agent create and replaces them on update (folder_ids, or the older source_ids)', async () => {
    const [first, second] = [await newFolder(), await newFolder()];
    const file = await settled(first.id, (await upload(first.id, 'sample.txt')).id);
    const agent = await server.client.agents.create({ model: fake.script([]).handle, folder_ids: [first.id] });
    expect(agent.sources.map((source) => source.id)).toEqual([first.id]);
    expect(agent.tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['open_files', 'grep_files', 'semantic_search_files']));
    expect((await server.client.agents.files.list(agent.id)).files.map((view) => [view.file_id, view.is_open])).toEqual([[file.id, true]]);

    const moved = await server.client.agents.update(agent.id, { source_ids: [second.id] });
    expect(moved.sources.map((source) => source.id)).toEqual([second.id]);
    expect((await server.client.agents.files.list(agent.id)).files).toEqual([]);
    const none = await server.client.agents.update(agent.id, { folder_ids: [] });
    expect(none.sources).toEqual([]);
    expect(none.tools.map((tool) => tool.name)).not.toContain('open_files');

    const count = () => server.client.get<number>('/v1/agents/count');
    const before = await count();
    await expectApiError(server.client.agents.create({ model: fake.script([]).handle, folder_ids: ['source-00000000-0000-4000-8000-000000000000'] }), 404, 'source-00000000');
    await expectApiError(server.client.agents.create({ model: fake.script([]).handle, folder_ids: ['folder-1'] }), 422, 'folder_ids');
    expect(await count()).toBe(before);
  });

  it('attaches a folder of more files than one insert can bind', async () => {
    const folder = await newFolder();
    const count = 3_500;
    const file = (index: number) => ({
      folderId: folder.id, fileName: `${folder.name}/note-${index}.txt`, originalFileName: `note-${index}.txt`, filePath: null, fileType: 'text/plain', fileSize: 4,
      fileCreationDate: null, fileLastModifiedDate: null, processingStatus: 'completed' as const, errorMessage: null, totalChunks: 1, chunksEmbedded: 1, content: `n${index}`,
    });
    await server.context.store.repos.files.insertMany(Array.from({ length: count }, (_, index) => file(index)), 'test');
    const agent = await server.client.agents.create({ model: fake.script([]).handle });
    await server.client.agents.folders.attach(folder.id, { agent_id: agent.id });
    const views = await server.context.store.repos.fileViews.ofAgent(agent.id);
    expect(views).toHaveLength(count);
    expect(views.filter((view) => view.isOpen).length).toBeGreaterThan(0);
  });

  it('cuts an open file to the per-file limit with a note on how to read on', async () => {
    const folder = await newFolder();
    await settled(folder.id, (await upload(folder.id, 'sample.md')).id);
    const model = fake.script([reply.text('ok')]);
    const agent = await server.client.agents.create({ model: model.handle, per_file_view_window_char_limit: 400 });
    await server.client.agents.folders.attach(folder.id, { agent_id: agent.id });
    await server.client.agents.messages.create(agent.id, { input: 'hi' });
    const system = String((model.requests[0]!.body as any).messages[0].content);
    const value = system.slice(system.indexOf('<value>', system.indexOf('<directories>')) + '<value>\n'.length, system.indexOf('\n</value>', system.indexOf('<directories>')));
    expect(value.length).toBeLessThanOrEqual(400);
    expect(value).toMatch(/\.\.\.\[TRUNCATED\]\n# NOTE: This block is truncated, use functions to view the full content\.$/);
    expect(system).toContain('- chars_limit=400');
  });

  it('shows a file uploaded to an attached folder to its agents, open', async () => {
    const folder = await newFolder();
    const agent = await server.client.agents.create({ model: fake.script([]).handle });
    await server.client.agents.folders.attach(folder.id, { agent_id: agent.id });
    const file = await settled(folder.id, (await upload(folder.id, 'sample.md')).id);
    const [view] = (await server.client.agents.files.list(agent.id)).files;
    expect(view).toMatchObject({ file_id: file.id, is_open: true });
    expect(view!.visible_content).toContain('Marmalade Protocol');
  });

  it('runs open_files, grep_files and semantic_search_files in the agent loop', async () => {
    const folder = await newFolder();
    for (const name of ['sample.txt', 'sample.md', 'sample.pdf']) await settled(folder.id, (await upload(folder.id, name)).id);
    const agent = await server.client.agents.create({ model: fake.script([]).handle });
    await server.client.agents.folders.attach(folder.id, { agent_id: agent.id });
    const pdf = `${folder.name}/sample.pdf`;
    const model = fake.script([
      reply.toolCall('grep_files', { pattern: 'obsidian\\s+orchard', context_lines: 1 }),
      reply.toolCall('semantic_search_files', { query: 'when does the orchard bloom?', limit: 2 }),
      reply.toolCall('open_files', { file_requests: [{ file_name: pdf, offset: 0, length: 2 }], close_all_others: true }),
      reply.toolCall('grep_files', { pattern: 'the', include: '*.md', context_lines: 0, offset: 1 }),
      reply.toolCall('grep_files', { pattern: '(a+)+$' }),
      reply.toolCall('open_files', { file_requests: [{ file_name: `${folder.name}/missing.txt` }] }),
      reply.text('done'),
    ]);
    await server.client.agents.update(agent.id, { model: model.handle });
    const response = await server.client.agents.messages.create(agent.id, { input: 'look it up' });
    const returns = response.messages.filter((message) => message.message_type === 'tool_return_message') as Record<string, any>[];
    expect(returns).toHaveLength(6);
    expect(returns[0]!.tool_return).toContain(`=== ${pdf}:`);
    expect(returns[0]!.tool_return).toMatch(/> \d+: .*obsidian orchard/i);
    expect(returns[1]!.tool_return).toContain('for query:');
    expect(returns[1]!.tool_return).toContain('obsidian orchard');
    expect(returns[2]!.tool_return).toContain(`* Opened ${pdf} (lines 1-2)`);
    expect(returns[2]!.tool_return).toContain('close_all_others');
    expect(returns[3]!.tool_return).toMatch(/across 1 files \(showing matches 2-/);
    expect(returns[3]!.tool_return).toContain(`${folder.name}/sample.md`);
    expect(returns[3]!.tool_return).not.toContain('sample.txt');
    expect(returns[4]!.status).toBe('error');
    expect(returns[4]!.tool_return).toMatch(/nests quantifiers/);
    expect(returns[5]!.status).toBe('error');
    expect(returns[5]!.tool_return).toContain('is not attached');
    const open = (await server.client.agents.files.list(agent.id, { is_open: true })).files;
    expect(open.map((view) => view.file_name)).toEqual([pdf]);
    expect(open[0]).toMatchObject({ start_line: 1, end_line: 2 });
    expect(open[0]!.visible_content).toMatch(/^\[Viewing lines 1 to 2 \(out of \d+ lines\)\]\n1: /);
  });

  it('deleting a file or a folder removes passages, views and attachments in one go', async () => {
    const folder = await newFolder();
    const kept = await settled(folder.id, (await upload(folder.id, 'sample.txt')).id);
    const gone = await settled(folder.id, (await upload(folder.id, 'sample.md')).id);
    const agent = await server.client.agents.create({ model: fake.script([]).handle });
    await server.client.agents.folders.attach(folder.id, { agent_id: agent.id });
    await server.client.folders.files.delete(gone.id, { folder_id: folder.id });
    const passages = (await server.client.get(`/v1/folders/${folder.id}/passages`, { query: { limit: 1000 } })) as Record<string, any>[];
    expect(new Set(passages.map((passage) => passage.file_id))).toEqual(new Set([kept.id]));
    expect((await server.client.agents.files.list(agent.id)).files.map((view) => view.file_id)).toEqual([kept.id]);
    await server.client.folders.delete(folder.id);
    const after = await server.client.agents.retrieve(agent.id);
    expect(after.sources).toEqual([]);
    expect(after.tools.map((tool) => tool.name)).not.toContain('grep_files');
    expect((await server.client.agents.files.list(agent.id)).files).toEqual([]);
    await expectApiError(server.client.folders.files.retrieve(kept.id, { folder_id: folder.id }), 404);
  });

  it('fails files a dead process left unfinished, with a message saying why', async () => {
    const folder = await newFolder();
    const repos = server.context.store.repos;
    const stuck = await repos.files.create({ folderId: folder.id, fileName: `${folder.name}/stuck.txt`, originalFileName: 'stuck.txt', fileType: 'text/plain', fileSize: 5 }, 'mnemo-dead-process');
    await repos.files.advance(stuck.id, 'parsing');
    // On Postgres only files whose owner stopped beating are taken over; make this one's beat old.
    await server.context.store.db.updateTable('files').set({ heartbeat_at: '2000-01-01T00:00:00.000Z' }).where('id', '=', stuck.id).execute();
    const supervisor = new RunSupervisor(server.context.store);
    await supervisor.start();
    supervisor.stop();
    const failed = await server.client.folders.files.retrieve(stuck.id, { folder_id: folder.id });
    expect(failed).toMatchObject({ processing_status: 'error', error_message: expect.stringContaining('interrupted') });
  });
});
