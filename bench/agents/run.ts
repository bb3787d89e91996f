/**
 * Agents listing and retrieval (issue: foundation). Creates AGENTS agents with two memory blocks
 * each, then times `agents.list` pages (limit 50, walking the cursor) and `agents.retrieve` through
 * the official client over loopback HTTP, on SQLite and (if reachable) Postgres. "client" is the
 * round trip as the client sees it (including parsing ~370 KB of AgentState per page); "server" is
 * the server's own handling time for the same requests, from its request log (routing, queries,
 * serialisation, send). The server runs as its own process (`npm run build` first).
 *
 *   npm run build && npm run bench:agents   # 10,000 agents per store
 *   AGENTS=2000 DIALECTS=sqlite npm run bench:agents     # quicker
 */
import Letta from '@letta-ai/letta-client';
import { forEachDialect, inParallel, startBenchServer, summary, type BenchDialect } from '../support.js';

const AGENTS = Number(process.env.AGENTS ?? 10_000);
const LIST_PAGES = Number(process.env.LIST_PAGES ?? 400);
const RETRIEVES = Number(process.env.RETRIEVES ?? 1_000);

async function bench(dialect: BenchDialect): Promise<void> {
  const server = await startBenchServer(dialect);
  try {
    const client = new Letta({ baseURL: server.url, apiKey: 'bench', maxRetries: 0 });
    const ids: string[] = [];
    const started = performance.now();
    await inParallel(AGENTS, 8, async (index) => {
      const agent = await client.agents.create({
        name: `bench-${index}`,
        model: 'openai/gpt-4o-mini',
        memory_blocks: [
          { label: 'human', value: `The user of agent ${index}` },
          { label: 'persona', value: 'A patient assistant' },
        ],
        tags: [index % 2 ? 'odd' : 'even'],
      });
      ids.push(agent.id);
    });
    const createSeconds = (performance.now() - started) / 1000;
    console.log(`[${dialect}] created ${AGENTS} agents in ${createSeconds.toFixed(1)} s (${(AGENTS / createSeconds).toFixed(0)}/s)`);

    // Warm-up, then measure.
    for (let i = 0; i < 20; i++) await client.agents.list({ limit: 50 });
    server.serverTimes.clear();
    const listSamples: number[] = [];
    let after: string | undefined;
    for (let i = 0; i < LIST_PAGES; i++) {
      const t = performance.now();
      const page = await client.agents.list({ limit: 50, ...(after ? { after } : {}) });
      listSamples.push(performance.now() - t);
      after = page.items.length === 50 ? page.items.at(-1)!.id : undefined;
    }
    const retrieveSamples: number[] = [];
    for (let i = 0; i < RETRIEVES; i++) {
      const id = ids[(i * 7919) % ids.length]!;
      const t = performance.now();
      await client.agents.retrieve(id);
      retrieveSamples.push(performance.now() - t);
    }
    console.log(`[${dialect}] ${summary('agents.list (limit 50), client', listSamples)}`);
    console.log(`[${dialect}] ${summary('agents.list (limit 50), server', server.serverTimes.get('GET /v1/agents') ?? [])}`);
    console.log(`[${dialect}] ${summary('agents.retrieve, client', retrieveSamples)}`);
    console.log(`[${dialect}] ${summary('agents.retrieve, server', server.serverTimes.get('GET /v1/agents/:agent_id') ?? [])}`);
  } finally {
    await server.close();
  }
}

await forEachDialect(bench);
