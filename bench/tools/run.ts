/**
 * Sandboxed tool-call latency (issue: user tools). Creates a Python and a TypeScript tool, attaches
 * both to an agent, and times `POST /v1/agents/{id}/tools/{name}/run` through the official client
 * over loopback HTTP: the server reads the agent's secrets and state, hands the call to the sandbox
 * (a fresh forked Python process / a fresh Node worker, as `nobody` when the server runs as root),
 * and returns the result. "client" is the round trip as the client sees it; "server" is the server's
 * own handling time from its request log. Also a burst of concurrent calls. Run `npm run build` first.
 *
 *   npm run build && npm run bench:tools
 *   CALLS=200 npm run bench:tools
 */
import Letta from '@letta-ai/letta-client';
import { inParallel, startBenchServer, summary } from '../support.js';

const CALLS = Number(process.env.CALLS ?? 500);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);

const PYTHON_TOOL = `
def add_numbers(a: int, b: int) -> str:
    """Adds two numbers.

    Args:
        a: The first number.
        b: The second number.
    """
    return str(a + b)
`;

const TYPESCRIPT_TOOL = `
export function multiply_numbers(a: number, b: number): string {
  return String(a * b);
}
`;

async function main(): Promise<void> {
  const server = await startBenchServer('sqlite');
  try {
    const client = new Letta({ baseURL: server.url, apiKey: 'bench', maxRetries: 0 });
    const python = await client.tools.create({ source_code: PYTHON_TOOL });
    const typescript = await client.tools.create({
      source_code: TYPESCRIPT_TOOL,
      source_type: 'typescript',
      json_schema: { name: 'multiply_numbers', description: 'Multiplies two numbers', parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] } },
    });
    const agent = await client.agents.create({ model: 'openai/gpt-4o-mini', tool_ids: [python.id, typescript.id], secrets: { BENCH_SECRET: 'x' } });

    for (const [name, expected] of [
      ['add_numbers', (i: number) => String(i + 1)],
      ['multiply_numbers', (i: number) => String(i * 2)],
    ] as const) {
      const route = `POST /v1/agents/:agent_id/tools/${name}/run`;
      for (let i = 0; i < 20; i++) await client.agents.tools.run(name, { agent_id: agent.id, args: { a: i, b: name === 'add_numbers' ? 1 : 2 } });
      server.serverTimes.delete(route);
      const samples: number[] = [];
      for (let i = 0; i < CALLS; i++) {
        const started = performance.now();
        const result = await client.agents.tools.run(name, { agent_id: agent.id, args: { a: i, b: name === 'add_numbers' ? 1 : 2 } });
        samples.push(performance.now() - started);
        if (result.status !== 'success' || result.func_return !== expected(i)) throw new Error(`${name}(${i}) returned ${JSON.stringify(result)}`);
      }
      const language = name === 'add_numbers' ? 'python' : 'typescript';
      console.log(`[${language}] ${summary('tool run, client', samples)}`);
      console.log(`[${language}] ${summary('tool run, server', server.serverTimes.get(route) ?? [])}`);

      const started = performance.now();
      await inParallel(CALLS, CONCURRENCY, async (i) => {
        await client.agents.tools.run(name, { agent_id: agent.id, args: { a: i, b: 1 } });
      });
      const seconds = (performance.now() - started) / 1000;
      console.log(`[${language}] ${CALLS} calls, ${CONCURRENCY} at a time: ${(CALLS / seconds).toFixed(0)} calls/s`);
    }
  } finally {
    await server.close();
  }
}

await main();
