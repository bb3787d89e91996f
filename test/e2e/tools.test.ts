import type { Tool } from '@letta-ai/letta-client/resources/tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.js';
import { expectApiError } from '../support/expected-errors.js';
import { startTestServer, type TestServer } from '../support/server.js';

const MODEL = 'openai/gpt-4o-mini';
const UNKNOWN_TOOL = 'tool-00000000-0000-4000-8000-000000000000';
const UNKNOWN_AGENT = 'agent-00000000-0000-4000-8000-000000000000';

const ROLL_DICE = `import random


def roll_dice(sides: int, count: int = 1, label: str = "roll") -> str:
    """Roll some dice and report the result.

    Args:
        sides (int): How many sides each die has.
        count (int): How many dice to roll.
        label (str): A name for the roll.

    Returns:
        str: The rolls, comma separated.
    """
    return label + ": " + ", ".join(str(random.randint(1, sides)) for _ in range(count))
`;

/** A small Python tool named `name` with one required string parameter. */
function pythonTool(name: string, doc = 'Echo the text back.'): string {
  return `def ${name}(text: str) -> str:\n    """${doc}\n\n    Args:\n        text (str): The text to echo.\n\n    Returns:\n        str: The same text.\n    """\n    return text\n`;
}

function jsonSchemaFor(name: string, description = 'Adds two numbers') {
  return {
    name,
    description,
    parameters: {
      type: 'object',
      properties: { a: { type: 'number', description: 'first' }, b: { type: 'number', description: 'second' } },
      required: ['a', 'b'],
    },
  };
}

let counter = 0;
/** A name no other test uses, so tests sharing a server stay independent. */
function unique(prefix: string): string {
  counter += 1;
  return `${prefix}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
}

describe.each(DIALECTS)('tools on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect);
  });
  afterAll(async () => server?.close());

  const builtin = async (name: string): Promise<Tool> => (await server.client.tools.list({ name })).items[0]!;

  describe('POST /v1/tools', () => {
    it('rejects a missing source, bad limits and an unknown source type, naming the field', async () => {
      await expectApiError(server.client.tools.create({} as never), 422, 'body.source_code');
      await expectApiError(server.client.tools.create({ source_code: pythonTool('x'), return_char_limit: 0 }), 422, 'body.return_char_limit');
      await expectApiError(server.client.tools.create({ source_code: pythonTool('x'), return_char_limit: 1_000_001 }), 422, 'body.return_char_limit');
      await expectApiError(server.client.tools.create({ source_code: pythonTool('x'), source_type: 'ruby' }), 422, 'body.source_type');
    });

    it('rejects Python source it cannot read with a 422 naming source_code', async () => {
      const body = await expectApiError(server.client.tools.create({ source_code: 'def broken(:\n    return 1\n' }), 422, /^source_code: .*syntax error on line 1/);
      expect(body.errors).toEqual([{ path: 'source_code', message: expect.stringContaining('syntax error') }]);
      await expectApiError(server.client.tools.create({ source_code: 'x = 1\n' }), 422, 'source_code');
    });

    it('requires a json_schema for TypeScript tools', async () => {
      const body = await expectApiError(
        server.client.tools.create({ source_code: 'export function add(a: number, b: number) { return a + b; }', source_type: 'typescript' }),
        422,
        'json_schema',
      );
      expect(body.errors[0].path).toBe('json_schema');
    });

    it('rejects a json_schema without a name or object parameters', async () => {
      await expectApiError(
        server.client.tools.create({ source_code: pythonTool('x'), json_schema: { description: 'd', parameters: { type: 'object', properties: {} } } }),
        422,
        'json_schema.name',
      );
      await expectApiError(server.client.tools.create({ source_code: pythonTool('x'), json_schema: { name: 'x', parameters: { type: 'string' } } }), 422, 'json_schema.parameters.type');
      await expectApiError(server.client.tools.create({ source_code: pythonTool('x'), json_schema: { name: 'x' } }), 422, 'json_schema.parameters');
    });

    it('refuses a name that is taken, by a client tool or a built-in one, naming it', async () => {
      const name = unique('taken');
      await server.client.tools.create({ source_code: pythonTool(name) });
      await expectApiError(server.client.tools.create({ source_code: pythonTool(name) }), 409, `"${name}"`);
      await expectApiError(server.client.tools.create({ source_code: pythonTool('memory_insert') }), 409, '"memory_insert"');
      expect((await server.client.tools.list({ name })).items).toHaveLength(1);
    });

    it('derives json_schema from a Python function signature and docstring', async () => {
      const tool = await server.client.tools.create({ source_code: ROLL_DICE, tags: ['games'] });
      expect(tool.id).toMatch(/^tool-[0-9a-f-]{36}$/);
      expect(tool).toMatchObject({
        name: 'roll_dice',
        tool_type: 'custom',
        source_type: 'python',
        source_code: ROLL_DICE,
        tags: ['games'],
        return_char_limit: 50000,
        enable_parallel_execution: false,
        default_requires_approval: null,
        args_json_schema: null,
        pip_requirements: null,
        npm_requirements: null,
        metadata_: {},
      });
      expect(tool.description).toContain('Roll some dice');
      const schema = tool.json_schema as { name: string; description: string; parameters: Record<string, any> };
      expect(schema.name).toBe('roll_dice');
      expect(schema.description).toContain('Roll some dice');
      expect(schema.parameters).toMatchObject({
        type: 'object',
        properties: {
          sides: { type: 'integer', description: 'How many sides each die has.' },
          count: { type: 'integer', description: 'How many dice to roll.' },
          label: { type: 'string', description: 'A name for the roll.' },
        },
        required: ['sides'],
      });
      expect(await server.client.tools.retrieve(tool.id)).toEqual(tool);
    });

    it('uses an explicit json_schema as given, and stores every field', async () => {
      const name = unique('add');
      const tool = await server.client.tools.create({
        source_code: 'def anything():\n    pass\n',
        json_schema: jsonSchemaFor(name),
        description: 'Adds a and b',
        tags: ['math', 'demo'],
        return_char_limit: 1234,
        pip_requirements: [{ name: 'numpy', version: '2.0.0' }, { name: 'requests' }],
        npm_requirements: [{ name: 'lodash' }],
        default_requires_approval: true,
        enable_parallel_execution: true,
      });
      expect(tool).toMatchObject({
        name,
        description: 'Adds a and b',
        json_schema: jsonSchemaFor(name),
        tags: ['math', 'demo'],
        return_char_limit: 1234,
        pip_requirements: [{ name: 'numpy', version: '2.0.0' }, { name: 'requests', version: null }],
        npm_requirements: [{ name: 'lodash', version: null }],
        default_requires_approval: true,
        enable_parallel_execution: true,
      });
      expect(await server.client.tools.retrieve(tool.id)).toEqual(tool);
    });

    it('creates a TypeScript tool from its json_schema', async () => {
      const name = unique('ts_add');
      const source = `export function ${name}(a: number, b: number): number { return a + b; }`;
      const tool = await server.client.tools.create({ source_code: source, source_type: 'typescript', json_schema: jsonSchemaFor(name) });
      expect(tool).toMatchObject({ name, source_type: 'typescript', description: 'Adds two numbers', json_schema: jsonSchemaFor(name) });
    });

    it('takes parameters from args_json_schema, and the name from the source', async () => {
      const name = unique('with_args');
      const tool = await server.client.tools.create({
        source_code: pythonTool(name),
        args_json_schema: { type: 'object', properties: { text: { type: 'string', description: 'from args' } }, required: ['text'] },
      });
      expect(tool.name).toBe(name);
      expect(tool.args_json_schema).toMatchObject({ properties: { text: { description: 'from args' } } });
      expect(tool.json_schema).toMatchObject({ name, parameters: { type: 'object', properties: { text: { type: 'string', description: 'from args' } }, required: ['text'] } });
    });
  });

  describe('PUT /v1/tools', () => {
    it('refuses to replace a built-in tool', async () => {
      await expectApiError(server.client.tools.upsert({ source_code: pythonTool('conversation_search') }), 409, 'built in');
    });

    it('creates a tool, then updates the one of the same name in place', async () => {
      const name = unique('upserted');
      const created = await server.client.tools.upsert({ source_code: pythonTool(name, 'First version.'), tags: ['v1'], metadata_: { owner: 'me' } } as never);
      expect(created).toMatchObject({ name, description: 'First version.', tags: ['v1'], metadata_: { owner: 'me' } });
      const updated = await server.client.tools.upsert({ source_code: pythonTool(name, 'Second version.'), return_char_limit: 99 });
      expect(updated.id).toBe(created.id);
      expect(updated).toMatchObject({ name, description: 'Second version.', tags: ['v1'], return_char_limit: 99, metadata_: { owner: 'me' } });
      expect((updated.json_schema as { description: string }).description).toContain('Second version.');
      expect(await server.client.tools.retrieve(created.id)).toEqual(updated);
      expect((await server.client.tools.list({ name })).items).toHaveLength(1);
    });
  });

  describe('GET /v1/tools/{tool_id}', () => {
    it('answers 422 for a malformed id and 404 for an unknown one', async () => {
      await expectApiError(server.client.tools.retrieve('not-a-tool'), 422, 'tool_id');
      await expectApiError(server.client.tools.retrieve(UNKNOWN_TOOL), 404, `Tool with ID ${UNKNOWN_TOOL} not found`);
    });
  });

  describe('GET /v1/tools', () => {
    it('rejects a malformed tool id filter and an unknown cursor', async () => {
      await expectApiError(server.client.tools.list({ tool_ids: ['nope'] }), 422, 'tool_ids');
      await expectApiError(server.client.tools.list({ after: UNKNOWN_TOOL }), 400, 'after');
    });

    it('filters by name, names, ids, search text and tool type', async () => {
      const stem = unique('filt');
      const made: Tool[] = [];
      for (const suffix of ['alpha', 'beta', 'gamma']) made.push(await server.client.tools.create({ source_code: pythonTool(`${stem}_${suffix}`) }));
      const ids = (page: { items: Tool[] }) => page.items.map((tool) => tool.id);
      expect(ids(await server.client.tools.list({ name: `${stem}_beta` }))).toEqual([made[1]!.id]);
      expect(ids(await server.client.tools.list({ names: [`${stem}_alpha`, `${stem}_gamma`], order: 'asc' }))).toEqual([made[0]!.id, made[2]!.id]);
      expect(ids(await server.client.tools.list({ tool_ids: [made[2]!.id, made[0]!.id], order: 'asc' }))).toEqual([made[0]!.id, made[2]!.id]);
      expect(ids(await server.client.tools.list({ search: `${stem.toUpperCase()}_GAM` }))).toEqual([made[2]!.id]);
      // Comma-separated ids are accepted as well as repeated ones.
      const commas = await server.client.get('/v1/tools', { query: { tool_ids: `${made[0]!.id},${made[1]!.id}`, order: 'asc' } });
      expect((commas as Tool[]).map((tool) => tool.id)).toEqual([made[0]!.id, made[1]!.id]);

      const builtins = await server.client.tools.list({ return_only_letta_tools: true, limit: 1000 });
      expect(builtins.items.length).toBeGreaterThan(5);
      expect(builtins.items.every((tool) => tool.tool_type!.startsWith('letta_'))).toBe(true);
      const files = await server.client.tools.list({ tool_types: ['letta_files_core'], order: 'asc' });
      expect(files.items.map((tool) => tool.name).sort()).toEqual(['grep_files', 'open_files', 'semantic_search_files']);
      const twoTypes = await server.client.tools.list({ tool_types: ['letta_files_core', 'custom'], search: 'files' });
      expect(twoTypes.items).toHaveLength(3);
      const custom = await server.client.tools.list({ search: stem, exclude_tool_types: ['letta_core', 'letta_memory_core'] });
      expect(custom.items).toHaveLength(3);
      const none = await server.client.tools.list({ search: stem, exclude_tool_types: ['custom'] });
      expect(none.items).toEqual([]);
    });

    it('lists newest first by default and pages with cursors in both orders', async () => {
      const stem = unique('page');
      const made: string[] = [];
      for (let index = 0; index < 5; index++) made.push((await server.client.tools.create({ source_code: pythonTool(`${stem}_${index}`) })).id);
      const first = await server.client.tools.list({ search: stem, limit: 2 });
      expect(first.items.map((tool) => tool.id)).toEqual([made[4], made[3]]);
      const newestFirst: string[] = [];
      for await (const tool of server.client.tools.list({ search: stem, limit: 2 })) newestFirst.push(tool.id);
      expect(newestFirst).toEqual([...made].reverse());
      const oldestFirst: string[] = [];
      for await (const tool of server.client.tools.list({ search: stem, limit: 2, order: 'asc' })) oldestFirst.push(tool.id);
      expect(oldestFirst).toEqual(made);
      const before = await server.client.tools.list({ search: stem, before: made[4], limit: 2, order: 'asc' });
      expect(before.items.map((tool) => tool.id)).toEqual([made[2], made[3]]);
    });
  });

  describe('GET /v1/tools/count', () => {
    it('counts with the list filters, with or without the built-in tools', async () => {
      const stem = unique('count');
      for (let index = 0; index < 3; index++) await server.client.tools.create({ source_code: pythonTool(`${stem}_${index}`) });
      expect(await server.client.get('/v1/tools/count', { query: { search: stem } })).toBe(3);
      const all = (await server.client.get('/v1/tools/count')) as number;
      const letta = (await server.client.get('/v1/tools/count', { query: { return_only_letta_tools: true } })) as number;
      const others = (await server.client.get('/v1/tools/count', { query: { exclude_letta_tools: true } })) as number;
      expect(letta).toBe((await server.client.tools.list({ return_only_letta_tools: true, limit: 1000 })).items.length);
      expect(letta + others).toBe(all);
      expect(others).toBeGreaterThanOrEqual(3);
    });
  });

  describe('POST /v1/tools/add-base-tools', () => {
    it('returns the built-in tools, unchanged when called again', async () => {
      const first = (await server.client.post('/v1/tools/add-base-tools')) as Tool[];
      const names = first.map((tool) => tool.name);
      expect(names).toEqual(expect.arrayContaining(['memory_insert', 'memory_replace', 'conversation_search', 'send_message']));
      expect(first.every((tool) => tool.tool_type!.startsWith('letta_'))).toBe(true);
      const again = (await server.client.post('/v1/tools/add-base-tools')) as Tool[];
      expect(again.map((tool) => tool.id)).toEqual(first.map((tool) => tool.id));
    });
  });

  describe('PATCH /v1/tools/{tool_id}', () => {
    it('refuses to modify a built-in tool', async () => {
      const memoryInsert = await builtin('memory_insert');
      await expectApiError(server.client.tools.update(memoryInsert.id, { description: 'mine now' }), 409, 'built in');
      expect((await server.client.tools.retrieve(memoryInsert.id)).description).toBe(memoryInsert.description);
    });

    it('refuses bad source, a bad limit, and a rename onto a taken name, changing nothing', async () => {
      const name = unique('stable');
      const other = unique('other');
      await server.client.tools.create({ source_code: pythonTool(other) });
      const tool = await server.client.tools.create({ source_code: pythonTool(name) });
      await expectApiError(server.client.tools.update(tool.id, { source_code: 'def nope(:' }), 422, 'source_code');
      await expectApiError(server.client.tools.update(tool.id, { return_char_limit: 0 }), 422, 'body.return_char_limit');
      await expectApiError(server.client.tools.update(tool.id, { source_code: pythonTool(other) }), 409, `"${other}"`);
      await expectApiError(server.client.tools.update(tool.id, { json_schema: { name: 'x', parameters: [] } }), 422, 'json_schema.parameters');
      await expectApiError(server.client.tools.update(UNKNOWN_TOOL, { description: 'd' }), 404);
      expect(await server.client.tools.retrieve(tool.id)).toEqual(tool);
    });

    it('updates plain fields and keeps the rest', async () => {
      const tool = await server.client.tools.create({ source_code: pythonTool(unique('plain')), tags: ['a'] });
      const updated = await server.client.tools.update(tool.id, {
        description: 'new words',
        tags: ['b', 'c'],
        return_char_limit: 10,
        metadata_: { k: 1 },
        default_requires_approval: true,
        pip_requirements: [{ name: 'httpx', version: '0.27' }],
      });
      expect(updated).toMatchObject({
        name: tool.name,
        description: 'new words',
        tags: ['b', 'c'],
        return_char_limit: 10,
        metadata_: { k: 1 },
        default_requires_approval: true,
        pip_requirements: [{ name: 'httpx', version: '0.27' }],
        json_schema: tool.json_schema,
        source_code: tool.source_code,
      });
      expect(await server.client.tools.retrieve(tool.id)).toEqual(updated);
    });

    it('re-derives the schema, and the name, from new source', async () => {
      const tool = await server.client.tools.create({ source_code: pythonTool(unique('before')) });
      const renamed = unique('after');
      const source = `def ${renamed}(count: int, verbose: bool = False) -> str:\n    """Count things.\n\n    Args:\n        count (int): How many.\n        verbose (bool): Say more.\n    """\n    return str(count)\n`;
      const updated = await server.client.tools.update(tool.id, { source_code: source });
      expect(updated).toMatchObject({ id: tool.id, name: renamed, source_code: source, description: 'Count things.' });
      expect(updated.json_schema).toMatchObject({
        name: renamed,
        parameters: { properties: { count: { type: 'integer', description: 'How many.' }, verbose: { type: 'boolean' } }, required: ['count'] },
      });
      expect((await server.client.tools.list({ name: renamed })).items.map((item) => item.id)).toEqual([tool.id]);
    });
  });

  describe('DELETE /v1/tools/{tool_id}', () => {
    it('refuses to delete a built-in tool or an unknown one', async () => {
      const memoryReplace = await builtin('memory_replace');
      await expectApiError(server.client.tools.delete(memoryReplace.id), 409, 'built in');
      await expectApiError(server.client.tools.delete(UNKNOWN_TOOL), 404);
    });

    it('refuses to delete a tool attached to agents, naming them, then deletes it once detached', async () => {
      const tool = await server.client.tools.create({ source_code: pythonTool(unique('attached')) });
      const agent = await server.client.agents.create({ model: MODEL, tool_ids: [tool.id] });
      await expectApiError(server.client.tools.delete(tool.id), 409, agent.id);
      expect(await server.client.tools.retrieve(tool.id)).toEqual(tool);
      expect((await server.client.agents.retrieve(agent.id)).tools.map((item) => item.id)).toContain(tool.id);
      await server.client.agents.tools.detach(tool.id, { agent_id: agent.id });
      await server.client.tools.delete(tool.id);
      await expectApiError(server.client.tools.retrieve(tool.id), 404);
    });
  });

  describe('GET /v1/agents/{agent_id}/tools', () => {
    it('answers 404 for an unknown agent and 422 for a malformed one', async () => {
      await expectApiError(server.client.agents.tools.list(UNKNOWN_AGENT), 404, UNKNOWN_AGENT);
      await expectApiError(server.client.agents.tools.list('agent-x'), 422, 'agent_id');
    });

    it("lists the agent's tools in attachment order, paged", async () => {
      const agent = await server.client.agents.create({ model: MODEL });
      const base = agent.tools.map((tool) => tool.id);
      const extra = await server.client.tools.create({ source_code: pythonTool(unique('listed')) });
      await server.client.agents.tools.attach(extra.id, { agent_id: agent.id });
      const all: string[] = [];
      for await (const tool of server.client.agents.tools.list(agent.id, { limit: 2 })) all.push(tool.id);
      expect(all).toEqual([...base, extra.id]);
      const newestFirst = await server.client.agents.tools.list(agent.id, { order: 'desc', limit: 1 });
      expect(newestFirst.items.map((tool) => tool.id)).toEqual([extra.id]);
    });
  });

  describe('PATCH /v1/agents/{agent_id}/tools/attach/{tool_id} and detach', () => {
    it('answers 404 for unknown agents and tools, 409 when attached twice, 404 when detaching what is not attached', async () => {
      const agent = await server.client.agents.create({ model: MODEL, include_base_tools: false });
      const tool = await server.client.tools.create({ source_code: pythonTool(unique('twice')) });
      await expectApiError(server.client.agents.tools.attach(UNKNOWN_TOOL, { agent_id: agent.id }), 404, UNKNOWN_TOOL);
      await expectApiError(server.client.agents.tools.attach(tool.id, { agent_id: UNKNOWN_AGENT }), 404, UNKNOWN_AGENT);
      await expectApiError(server.client.agents.tools.attach('tool-x', { agent_id: agent.id }), 422, 'tool_id');
      await expectApiError(server.client.agents.tools.detach(tool.id, { agent_id: agent.id }), 404, tool.id);
      await server.client.agents.tools.attach(tool.id, { agent_id: agent.id });
      await expectApiError(server.client.agents.tools.attach(tool.id, { agent_id: agent.id }), 409, 'already attached');
      expect((await server.client.agents.retrieve(agent.id)).tools.map((item) => item.id)).toEqual([tool.id]);
    });

    it('attaches and detaches, answering with the agent state', async () => {
      const agent = await server.client.agents.create({ model: MODEL, include_base_tools: false });
      const tool = await server.client.tools.create({ source_code: pythonTool(unique('toggle')) });
      const attached = await server.client.agents.tools.attach(tool.id, { agent_id: agent.id });
      expect(attached!.id).toBe(agent.id);
      expect(attached!.tools.map((item) => item.id)).toEqual([tool.id]);
      const detached = await server.client.agents.tools.detach(tool.id, { agent_id: agent.id });
      expect(detached!.tools).toEqual([]);
      expect((await server.client.agents.tools.list(agent.id)).items).toEqual([]);
    });
  });

  describe('PATCH /v1/agents/{agent_id}/tools/approval/{tool_name}', () => {
    const approvalRules = (state: { tool_rules?: Array<{ type?: string; tool_name?: string }> | null }) =>
      (state.tool_rules ?? []).filter((rule) => rule.type === 'requires_approval').map((rule) => rule.tool_name);

    it('answers 404 for a tool the agent does not have and 422 without a value', async () => {
      const agent = await server.client.agents.create({ model: MODEL });
      await expectApiError(server.client.agents.tools.updateApproval('no_such_tool', { agent_id: agent.id, body_requires_approval: true }), 404, 'no_such_tool');
      await expectApiError(server.client.agents.tools.updateApproval('memory_insert', { agent_id: UNKNOWN_AGENT, body_requires_approval: true }), 404, UNKNOWN_AGENT);
      await expectApiError(server.client.patch(`/v1/agents/${agent.id}/tools/approval/memory_insert`, { body: {} }), 422, 'requires_approval');
      await expectApiError(server.client.patch(`/v1/agents/${agent.id}/tools/approval/memory_insert`, { body: { requires_approval: 'yes' } }), 422, 'body.requires_approval');
      expect(approvalRules(await server.client.agents.retrieve(agent.id))).toEqual([]);
    });

    it('sets approval per agent from the body (either name) or the query, shown as requires_approval rules', async () => {
      const agent = await server.client.agents.create({ model: MODEL });
      const other = await server.client.agents.create({ model: MODEL });
      const path = (name: string) => `/v1/agents/${agent.id}/tools/approval/${name}`;

      const viaClient = await server.client.agents.tools.updateApproval('memory_insert', { agent_id: agent.id, body_requires_approval: true });
      expect(approvalRules(viaClient!)).toEqual(['memory_insert']);
      await server.client.patch(path('memory_replace'), { body: { requires_approval: true } });
      await server.client.patch(path('conversation_search'), { query: { requires_approval: true } });
      expect(approvalRules(await server.client.agents.retrieve(agent.id)).sort()).toEqual(['conversation_search', 'memory_insert', 'memory_replace']);
      expect(approvalRules(await server.client.agents.retrieve(other.id))).toEqual([]);

      await server.client.patch(path('memory_replace'), { query: { requires_approval: false } });
      await server.client.patch(path('conversation_search'), { body: { body_requires_approval: false } });
      expect(approvalRules(await server.client.agents.retrieve(agent.id))).toEqual(['memory_insert']);
    });

    it("shows a tool's default_requires_approval until the agent overrides it", async () => {
      const tool = await server.client.tools.create({ source_code: pythonTool(unique('careful')), default_requires_approval: true });
      const agent = await server.client.agents.create({ model: MODEL, include_base_tools: false, tool_ids: [tool.id] });
      expect(approvalRules(agent)).toEqual([tool.name]);
      const state = await server.client.agents.tools.updateApproval(tool.name!, { agent_id: agent.id, body_requires_approval: false });
      expect(approvalRules(state!)).toEqual([]);
    });
  });

  describe('POST /v1/agents/{agent_id}/tools/{tool_name}/run', () => {
    it('validates the path and names a tool the agent lacks', async () => {
      await expectApiError(server.client.agents.tools.run('memory_insert', { agent_id: 'agent-x', args: {} }), 422, 'agent_id');
      await expectApiError(server.client.agents.tools.run('memory_insert', { agent_id: UNKNOWN_AGENT, args: {} }), 404, UNKNOWN_AGENT);
      const agent = await server.client.agents.create({ model: MODEL });
      await expectApiError(server.client.agents.tools.run('no_such_tool', { agent_id: agent.id, args: {} }), 404, 'no_such_tool');
      // A built-in tool's own failure is a result, not an HTTP error (runs are covered in user-tools.test.ts).
      expect(await server.client.agents.tools.run('memory_insert', { agent_id: agent.id, args: { label: 'nope', new_string: 'x' } })).toMatchObject({ status: 'error' });
    });
  });

  describe('POST /v1/tools/run', () => {
    it('validates the body', async () => {
      await expectApiError(server.client.post('/v1/tools/run', { body: { args: {} } }), 422, 'body.source_code');
      await expectApiError(server.client.post('/v1/tools/run', { body: { source_code: pythonTool('x') } }), 422, 'body.args');
    });
  });
});
