import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.js';
import { expectApiError } from '../support/expected-errors.js';
import { reply, type FakeModelServer } from '../support/fake-model/index.js';
import { startTestServerWithFakeModel, type TestServer } from '../support/server.js';

const ADD = `
def add_numbers(a: int, b: int) -> int:
    """Adds two numbers.

    Args:
        a: The first number.
        b: The second number.
    """
    print(f"adding {a} and {b}")
    return a + b
`;

const SHOUT_TS = `
export function shout(text: string, times: number): string {
  const loud: string = text.toUpperCase();
  return Array.from({ length: times }, () => loud).join(' ');
}
`;
const SHOUT_SCHEMA = {
  name: 'shout',
  description: 'Shouts text',
  parameters: { type: 'object', properties: { text: { type: 'string' }, times: { type: 'integer' } }, required: ['text', 'times'] },
};

const FAILING = `
def check_order(order_id: str) -> str:
    """Looks up an order.

    Args:
        order_id: The order's id.
    """
    raise ValueError(f"no order {order_id}")
`;

const FOREVER = `
def spin() -> str:
    """Never returns."""
    while True:
        pass
`;

const SNOOP = `
def snoop(path: str, pid: int) -> dict:
    """Tries to read what belongs to the server.

    Args:
        path: A file of the server's.
        pid: The server's process id.
    """
    import os
    found = {"sentinel": os.environ.get("MNEMO_SERVER_SENTINEL"), "secret": os.environ.get("API_TOKEN")}
    for name, target in (("file", path), ("environ", f"/proc/{pid}/environ")):
        try:
            with open(target, "rb") as handle:
                found[name] = handle.read(20).decode("latin-1")
        except Exception as error:
            found[name] = type(error).__name__
    return found
`;

const MEMORY_READER = `
def read_human(agent_state: "AgentState") -> str:
    """Reads the human block from the agent's memory."""
    return agent_state.memory.get_block("human").value
`;

const sleeper = (name: string) => `
def ${name}(seconds: float) -> dict:
    """Sleeps, and says when it ran.

    Args:
        seconds: How long to sleep.
    """
    import time
    start = time.time()
    time.sleep(seconds)
    return {"start": start, "end": time.time()}
`;

describe.each(DIALECTS)('user tools on %s', (dialect) => {
  let server: TestServer;
  let fake: FakeModelServer;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    // The server runs in this process: a tool must not see this.
    process.env.MNEMO_SERVER_SENTINEL = 'server-only';
    ({ server, fake, close: stop } = await startTestServerWithFakeModel(dialect, { toolTimeoutMs: 1_500 }));
  });
  afterAll(async () => {
    delete process.env.MNEMO_SERVER_SENTINEL;
    await stop?.();
  });

  async function agentWithTools(handle: string, sources: { source_code: string; [key: string]: unknown }[], extra: Record<string, unknown> = {}) {
    const tools = [];
    for (const source of sources) tools.push(await server.client.tools.upsert(source as any));
    return server.client.agents.create({ model: handle, tool_ids: tools.map((tool) => tool.id), memory_blocks: [{ label: 'human', value: 'Name: Ann' }], ...extra });
  }

  it('runs a Python tool the model calls, with its printed output', async () => {
    const model = fake.script([reply.toolCall('add_numbers', { a: 2, b: 40 }), reply.text('42')]);
    const agent = await agentWithTools(model.handle, [{ source_code: ADD }]);
    const response = await server.client.agents.messages.create(agent.id, { input: 'add' });
    const ret = response.messages.find((message) => message.message_type === 'tool_return_message') as any;
    expect(ret).toMatchObject({ status: 'success', tool_return: '42' });
    expect(ret.stdout.join('')).toContain('adding 2 and 40');
    expect(JSON.parse(model.requests[1]!.body.messages.at(-1).content)).toMatchObject({ status: 'OK', message: '42' });
  });

  it('runs a TypeScript tool the model calls', async () => {
    const model = fake.script([reply.toolCall('shout', { text: 'hey', times: 2 }), reply.text('done')]);
    const agent = await agentWithTools(model.handle, [{ source_code: SHOUT_TS, source_type: 'typescript', json_schema: SHOUT_SCHEMA }]);
    const response = await server.client.agents.messages.create(agent.id, { input: 'shout' });
    expect(response.messages.find((message) => message.message_type === 'tool_return_message')).toMatchObject({ status: 'success', tool_return: 'HEY HEY' });
  });

  it('a tool that raises is a failed result the model reads; the turn goes on', async () => {
    const model = fake.script([reply.toolCall('check_order', { order_id: 'A7' }), reply.text('Sorry, no such order.')]);
    const agent = await agentWithTools(model.handle, [{ source_code: FAILING }]);
    const response = await server.client.agents.messages.create(agent.id, { input: 'where is A7?' });
    expect(response.stop_reason.stop_reason).toBe('end_turn');
    const ret = response.messages.find((message) => message.message_type === 'tool_return_message') as any;
    expect(ret.status).toBe('error');
    expect(ret.tool_return).toContain('ValueError: no order A7');
    expect(JSON.parse(model.requests[1]!.body.messages.at(-1).content)).toMatchObject({ status: 'Failed' });
  });

  it('a tool that never returns is killed at the timeout, and the agent stays usable', async () => {
    const model = fake.script([reply.toolCall('spin', {}), reply.text('gave up'), reply.text('still here')]);
    const agent = await agentWithTools(model.handle, [{ source_code: FOREVER }]);
    const response = await server.client.agents.messages.create(agent.id, { input: 'spin' });
    const ret = response.messages.find((message) => message.message_type === 'tool_return_message') as any;
    expect(ret.status).toBe('error');
    expect(ret.tool_return).toMatch(/timed out|timeout/i);
    const again = await server.client.agents.messages.create(agent.id, { input: 'hello?' });
    expect(again.messages.at(-1)).toMatchObject({ message_type: 'assistant_message', content: 'still here' });
  });

  it("a tool sees the agent's secrets, not the server's environment, files or process", async () => {
    const model = fake.script([]);
    const agent = await agentWithTools(model.handle, [{ source_code: SNOOP }], { secrets: { API_TOKEN: 'agent-secret' } });
    const serverFile = join(server.context.config.store.dataDir, dialect === 'sqlite' ? 'mnemo.db' : 'does-not-matter');
    const result = await server.client.agents.tools.run('snoop', { agent_id: agent.id, args: { path: serverFile, pid: process.pid } });
    expect(result.status).toBe('success');
    const found = JSON.parse(result.func_return as string);
    expect(found).toMatchObject({ sentinel: null, secret: 'agent-secret' });
    if (process.getuid?.() === 0) {
      expect(found.environ).toBe('PermissionError');
      if (dialect === 'sqlite') expect(found.file).toBe('PermissionError');
    }
  });

  it("gives tools with an agent_state parameter the agent's memory", async () => {
    const model = fake.script([]);
    const agent = await agentWithTools(model.handle, [{ source_code: MEMORY_READER }]);
    const tool = (await server.client.agents.tools.list(agent.id)).items.find((candidate) => candidate.name === 'read_human');
    expect(Object.keys((tool!.json_schema as any).parameters.properties)).not.toContain('agent_state');
    const result = await server.client.agents.tools.run('read_human', { agent_id: agent.id, args: {} });
    expect(result).toMatchObject({ status: 'success', func_return: 'Name: Ann' });
  });

  it('runs parallel-safe calls of one reply at the same time, in one tool message', async () => {
    const model = fake.script([
      reply.toolCalls([
        { name: 'nap_one', args: { seconds: 0.4 } },
        { name: 'nap_two', args: { seconds: 0.4 } },
      ]),
      reply.text('rested'),
    ]);
    const agent = await agentWithTools(model.handle, [
      { source_code: sleeper('nap_one'), enable_parallel_execution: true },
      { source_code: sleeper('nap_two'), enable_parallel_execution: true },
    ]);
    const response = await server.client.agents.messages.create(agent.id, { input: 'nap' });
    const returns = response.messages.filter((message) => message.message_type === 'tool_return_message');
    expect(returns).toHaveLength(1);
    const [one, two] = (returns[0] as any).tool_returns.map((ret: any) => JSON.parse(ret.tool_return));
    // The two naps overlapped: each started before the other ended.
    expect(one.start).toBeLessThan(two.end);
    expect(two.start).toBeLessThan(one.end);
  });

  it("cuts a result to the tool's return_char_limit", async () => {
    const model = fake.script([]);
    const agent = await agentWithTools(model.handle, [
      { source_code: 'def long_text() -> str:\n    """Returns a lot."""\n    return "x" * 500\n', return_char_limit: 100 },
    ]);
    const result = await server.client.agents.tools.run('long_text', { agent_id: agent.id, args: {} });
    expect((result.func_return as string).startsWith('x'.repeat(100) + '\n[Output truncated')).toBe(true);
  });

  it('POST /v1/tools/run runs source with the given arguments and environment', async () => {
    const result: any = await server.client.post('/v1/tools/run', {
      body: { source_code: 'def greet(name: str) -> str:\n    """Greets.\n\n    Args:\n        name: Who.\n    """\n    import os\n    return f"hi {name} from {os.environ[\'PLACE\']}"\n', args: { name: 'Ann' }, env_vars: { PLACE: 'Oslo' } },
    });
    expect(result).toMatchObject({ message_type: 'tool_return_message', status: 'success', tool_return: 'hi Ann from Oslo', name: 'greet' });
    await expectApiError(server.client.post('/v1/tools/run', { body: { source_code: 'x = 1', args: {} } }), 422, 'source_code');
  });

  it('POST /v1/agents/{id}/tools/{name}/run runs built-in tools too, and names a missing tool', async () => {
    const model = fake.script([]);
    const agent = await agentWithTools(model.handle, []);
    const result = await server.client.agents.tools.run('memory_insert', { agent_id: agent.id, args: { label: 'human', new_string: 'Runs.' } });
    expect(result).toMatchObject({ status: 'success', func_return: 'Name: Ann\nRuns.' });
    await expectApiError(server.client.agents.tools.run('no_such_tool', { agent_id: agent.id, args: {} }), 404, 'no_such_tool');
  });
});
