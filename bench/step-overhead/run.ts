/**
 * The server's own time per agent step (issue: the agent loop). The scripted fake model answers
 * instantly on loopback; each turn is one tool call plus one reply (two steps) on an agent whose
 * context holds 200 to 280 messages (a fresh agent every 20 turns). Per-step overhead = (turn round
 * time − time spent inside the fake model) / 2, with the turn's time taken from the server's own
 * request log (and, for comparison, as the client sees it, which adds the client's HTTP round trip).
 * On Linux also the CPU time the server's main (JavaScript) thread spends per step, which other
 * load on the machine disturbs far less than elapsed time. Then throughput: 100 agents sending turns
 * in parallel, in messages per second.
 *
 *   npm run build && npm run bench:steps
 *   TURNS=50 AGENTS=20 DIALECTS=sqlite npm run bench:steps
 */
import { existsSync, readFileSync } from 'node:fs';
import Letta from '@letta-ai/letta-client';
import { reply, startFakeModelServer, type FakeModelServer } from '../../test/support/fake-model/index.js';
import { forEachDialect, inParallel, startBenchServer, summary, type BenchDialect } from '../support.js';

const TURNS = Number(process.env.TURNS ?? 400);
/** Turns before measuring, so the figures are the warmed-up (JIT-compiled) server's. */
const WARM_UP_TURNS = 40;
const PARALLEL_AGENTS = Number(process.env.AGENTS ?? 100);
const TURNS_PER_AGENT = Number(process.env.TURNS_PER_AGENT ?? 5);
const HISTORY = Number(process.env.HISTORY ?? 200);

const turn = () => [reply.toolCall('conversation_search', { query: 'tea' }), reply.text('Here is what I found.')];

function history(): { role: 'user' | 'assistant'; content: string }[] {
  return Array.from({ length: HISTORY }, (_, index) => ({ role: index % 2 ? 'assistant' : 'user', content: `Earlier message number ${index} about tea and biscuits.` }));
}

const turnRoute = 'POST /v1/agents/:agent_id/messages';

/** CPU time (ms) the process's main thread has run so far, from the scheduler's statistics (Linux). */
function mainThreadCpuMs(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
}

async function bench(dialect: BenchDialect, fake: FakeModelServer): Promise<void> {
  const server = await startBenchServer(dialect, { OPENAI_BASE_URL: fake.baseURL });
  try {
    const client = new Letta({ baseURL: server.url, apiKey: 'bench', maxRetries: 0, timeout: 60_000 });
    const model = fake.script([]);
    const freshAgent = () => client.agents.create({ model: model.handle, initial_message_sequence: history() });
    let agent = { id: '' };
    for (let i = 0; i < WARM_UP_TURNS; i++) {
      if (i % 20 === 0) agent = await freshAgent();
      model.push(...turn());
      await client.agents.messages.create(agent.id, { input: 'warm up' });
      await server.nextTime(turnRoute);
    }
    const overheads: number[] = [];
    const serverOverheads: number[] = [];
    const pid = existsSync(`/proc/${server.pid}/schedstat`) ? server.pid : undefined;
    const cpuPerStep: number[] = [];
    for (let i = 0; i < TURNS; i++) {
      if (i % 20 === 0) agent = await freshAgent();
      model.push(...turn());
      const before = model.requests.length;
      const cpuBefore = pid ? mainThreadCpuMs(pid) : 0;
      const started = performance.now();
      await client.agents.messages.create(agent.id, { input: `What do you know about tea? (${i})` });
      const total = performance.now() - started;
      if (pid) cpuPerStep.push((mainThreadCpuMs(pid) - cpuBefore) / 2);
      const inModel = model.requests.slice(before).reduce((sum, request) => sum + (request.handledMs ?? 0), 0);
      overheads.push((total - inModel) / 2);
      const serverTurn = await server.nextTime(turnRoute);
      serverOverheads.push((serverTurn - inModel) / 2);
    }
    console.log(`[${dialect}] ${summary(`server's own time per step`, serverOverheads)}`);
    console.log(`[${dialect}] ${summary(`per step as the client sees it`, overheads)}`);
    if (pid) console.log(`[${dialect}] ${summary(`server main-thread CPU per step`, cpuPerStep)}`);

    const agents: { agent: { id: string } }[] = [];
    for (let i = 0; i < PARALLEL_AGENTS; i++) {
      const scripted = fake.script([]);
      for (let t = 0; t < TURNS_PER_AGENT; t++) scripted.push(...turn());
      agents.push({ agent: await client.agents.create({ model: scripted.handle }) });
    }
    const started = performance.now();
    await inParallel(agents.length * TURNS_PER_AGENT, PARALLEL_AGENTS, async (index) => {
      const { agent } = agents[index % agents.length]!;
      await client.agents.messages.create(agent.id, { input: 'tea?' });
    });
    const seconds = (performance.now() - started) / 1000;
    // Each turn stores four messages: the input, the tool call, its return and the reply.
    const messages = agents.length * TURNS_PER_AGENT * 4;
    console.log(`[${dialect}] ${PARALLEL_AGENTS} agents x ${TURNS_PER_AGENT} turns in parallel: ${(messages / seconds).toFixed(0)} messages/s (${((agents.length * TURNS_PER_AGENT) / seconds).toFixed(0)} turns/s)`);
  } finally {
    await server.close();
  }
}

const fake = await startFakeModelServer();
try {
  await forEachDialect((dialect) => bench(dialect, fake));
} finally {
  await fake.close();
}
