import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.js';
import { expectApiError } from '../support/expected-errors.js';
import { reply, type FakeModelServer } from '../support/fake-model/index.js';
import { startTestServerWithFakeModel, type TestServer } from '../support/server.js';

const UNKNOWN_ARCHIVE = 'archive-00000000-0000-4000-8000-000000000000';

describe.each(DIALECTS)('archival memory on %s', (dialect) => {
  let server: TestServer;
  let fake: FakeModelServer;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ server, fake, close: stop } = await startTestServerWithFakeModel(dialect));
  });
  afterAll(async () => stop?.());

  const newAgent = (extra: Record<string, unknown> = {}) => server.client.agents.create({ model: fake.script([]).handle, ...extra });

  it('inserts, lists, searches by meaning with the offline model, and deletes an agent memory', async () => {
    const agent = await newAgent({ timezone: 'Europe/Oslo' });
    expect(await server.client.agents.passages.list(agent.id)).toEqual([]);
    const [pets] = await server.client.agents.passages.create(agent.id, { text: 'The user owns two cats and a dog.', tags: ['pets', 'family'] });
    await server.client.agents.passages.create(agent.id, { text: 'Quarterly revenue grew by four percent.', tags: ['work'] });
    await server.client.agents.passages.create(agent.id, { text: 'Paris is the capital of France.' });
    expect(pets).toMatchObject({ text: 'The user owns two cats and a dog.', tags: ['pets', 'family'], embedding_config: { handle: 'mnemo/use-lite-512', embedding_dim: 512 } });
    expect(pets!.embedding).toHaveLength(512);

    const found = await server.client.agents.passages.search(agent.id, { query: 'What animals does the user have at home?' });
    expect(found.count).toBe(3);
    expect(found.results[0]).toMatchObject({ id: pets!.id, content: 'The user owns two cats and a dog.', tags: ['pets', 'family'] });
    // Shown in the agent's timezone.
    expect(found.results[0]!.timestamp).toMatch(/[+-]0[12]:00$/);

    const listed = await server.client.agents.passages.list(agent.id, { search: 'revenue' });
    expect(listed.map((passage) => passage.text)).toEqual(['Quarterly revenue grew by four percent.']);
    await server.client.agents.passages.delete(pets!.id!, { agent_id: agent.id });
    const after = await server.client.agents.passages.search(agent.id, { query: 'pets' });
    expect(after.results.map((result) => result.id)).not.toContain(pets!.id);
    expect(after.count).toBe(2);
  });

  it('filters by tags (any / all) and dates before the limit', async () => {
    const agent = await newAgent({ timezone: 'America/New_York' });
    for (let i = 0; i < 8; i++) await server.client.agents.passages.create(agent.id, { text: `Filler note number ${i} about gardening.`, tags: ['filler'] });
    await server.client.agents.passages.create(agent.id, { text: 'Met Bob at the conference.', tags: ['people', 'work'], created_at: '2026-02-10T15:00:00Z' });
    await server.client.agents.passages.create(agent.id, { text: 'Bob likes jazz.', tags: ['people'], created_at: '2026-02-12T15:00:00Z' });

    const any = await server.client.agents.passages.search(agent.id, { query: 'gardening', tags: ['people'], top_k: 5 });
    expect(any.results.map((result) => result.content).sort()).toEqual(['Bob likes jazz.', 'Met Bob at the conference.']);
    const all = await server.client.agents.passages.search(agent.id, { query: 'gardening', tags: ['people', 'work'], tag_match_mode: 'all', top_k: 5 });
    expect(all.results.map((result) => result.content)).toEqual(['Met Bob at the conference.']);
    // A bare date is the whole day in the agent's timezone.
    const day = await server.client.agents.passages.search(agent.id, { query: 'Bob', start_datetime: '2026-02-12', end_datetime: '2026-02-12' });
    expect(day.results.map((result) => result.content)).toEqual(['Bob likes jazz.']);
    const top = await server.client.agents.passages.search(agent.id, { query: 'gardening', tags: ['filler'], top_k: 3 });
    expect(top.count).toBe(3);
    await expectApiError(server.client.agents.passages.search(agent.id, { query: 'x', start_datetime: 'next week' }), 422, 'start_datetime');
    await expectApiError(server.client.agents.passages.search(agent.id, { query: '' }), 422, 'query');
    await expectApiError(server.client.agents.passages.create(agent.id, { text: '' }), 422, 'text');
  });

  it('shares one archive between two agents, and manages archives and their passages', async () => {
    const archive = await server.client.archives.create({ name: 'team notes', description: 'shared' });
    expect(archive).toMatchObject({ name: 'team notes', description: 'shared', vector_db_provider: 'native', embedding_config: { handle: 'mnemo/use-lite-512' } });
    const one = await newAgent();
    const two = await newAgent();
    await server.client.agents.archives.attach(archive.id, { agent_id: one.id });
    await server.client.agents.archives.attach(archive.id, { agent_id: two.id });
    await expectApiError(server.client.agents.archives.attach(archive.id, { agent_id: two.id }), 409);

    await server.client.agents.passages.create(one.id, { text: 'The release is planned for Friday.' });
    const passage = await server.client.archives.passages.create(archive.id, { text: 'The office moves to the fourth floor.', tags: ['office'] });
    const batch = await server.client.archives.passages.createMany(archive.id, { passages: [{ text: 'Lunch is at noon.' }, { text: 'Standup is at nine.' }] });
    expect(batch).toHaveLength(2);
    const seenByTwo = await server.client.agents.passages.search(two.id, { query: 'When is the release planned?' });
    expect(seenByTwo.results[0]!.content).toBe('The release is planned for Friday.');
    expect(seenByTwo.count).toBe(4);

    // Not in the TypeScript client 1.12.1; the route is Letta's.
    const agents: any[] = await server.client.get(`/v1/archives/${archive.id}/agents`);
    expect(agents.map((agent) => agent.id).sort()).toEqual([one.id, two.id].sort());
    expect((await server.client.archives.list({ agent_id: one.id })).items.map((item) => item.id)).toEqual([archive.id]);
    expect((await server.client.archives.update(archive.id, { name: 'renamed' })).name).toBe('renamed');

    const across: any = await server.client.passages.search({ query: 'Which floor is the office on?', archive_id: archive.id, limit: 2 });
    expect(across).toHaveLength(2);
    expect(across[0].passage.id).toBe(passage.id);
    expect(across[0].score).toBeGreaterThan(across[1].score);

    await server.client.archives.passages.delete(passage.id!, { archive_id: archive.id });
    expect((await server.client.agents.passages.search(one.id, { query: 'office floor' })).results.map((result) => result.id)).not.toContain(passage.id);

    await server.client.agents.archives.detach(archive.id, { agent_id: two.id });
    expect((await server.client.agents.passages.search(two.id, { query: 'release' })).count).toBe(0);
    await server.client.archives.delete(archive.id);
    await expectApiError(server.client.archives.retrieve(archive.id), 404, archive.id);
    expect((await server.client.agents.passages.search(one.id, { query: 'release' })).count).toBe(0);
    await expectApiError(server.client.agents.archives.attach(UNKNOWN_ARCHIVE, { agent_id: one.id }), 404, UNKNOWN_ARCHIVE);
  });

  it('refuses a search across archives of different embedding models, and a missing provider', async () => {
    const offline = await server.client.archives.create({ name: 'offline' });
    // The test server's OpenAI provider is the fake model, whose embeddings have 8 dimensions.
    const remote = await server.client.archives.create({
      name: 'remote',
      embedding_config: { embedding_endpoint_type: 'openai', embedding_model: 'text-embedding-3-small', embedding_dim: 1536, handle: 'openai/text-embedding-3-small' },
    });
    await server.client.archives.passages.create(offline.id, { text: 'hello' });
    const stored = await server.client.archives.passages.create(remote.id, { text: 'hello' });
    // The archive's first passage fixes its dimension to what the model really returns.
    expect(stored.embedding).toHaveLength(8);
    expect((await server.client.archives.retrieve(remote.id)).embedding_config).toMatchObject({ embedding_dim: 8 });
    await expectApiError(server.client.passages.search({ query: 'hello' }), 400, 'different embedding models');
    expect(await server.client.passages.search({ query: 'hello', archive_id: remote.id })).toHaveLength(1);

    const unconfigured = await server.client.archives.create({ name: 'ollama', embedding_config: { embedding_endpoint_type: 'ollama', embedding_model: 'nomic-embed-text', embedding_dim: 768 } });
    const failure = await expectApiError(server.client.archives.passages.create(unconfigured.id, { text: 'hello' }), 400);
    expect(failure.detail).toContain('OLLAMA_BASE_URL');
    for (const archive of [offline, remote, unconfigured]) await server.client.archives.delete(archive.id);
  });

  it('archival tools work in the loop, and the prompt counts the memories', async () => {
    const model = fake.script([
      reply.toolCall('archival_memory_insert', { content: 'The user was born in Bergen.', tags: ['bio'] }),
      reply.toolCall('archival_memory_search', { query: 'Where is the user from?' }),
      reply.text('Bergen.'),
    ]);
    const agent = await server.client.agents.create({ model: model.handle, tools: ['archival_memory_insert', 'archival_memory_search'] });
    const response = await server.client.agents.messages.create(agent.id, { input: 'I was born in Bergen. Remember it.' });
    expect(response.stop_reason.stop_reason).toBe('end_turn');
    const returns = response.messages.filter((message) => message.message_type === 'tool_return_message') as any[];
    expect(returns.map((ret) => ret.status)).toEqual(['success', 'success']);
    expect(JSON.parse(returns[1].tool_return)[0]).toMatchObject({ content: 'The user was born in Bergen.', tags: ['bio'] });
    // The stored prompt is kept byte-identical for prompt caches; a recompile shows the new count.
    const prompt = await server.client.agents.recompile(agent.id);
    expect(prompt).toContain('1 total memories you created are stored in archival memory');
    expect(prompt).toContain('Available archival memory tags: bio');
  });
});
