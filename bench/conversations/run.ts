/**
 * Conversations under load (issue: conversations). One agent, 100 conversations, 20 turns each,
 * sent by 10 concurrent clients (each takes a conversation and sends its turns one after another).
 * The scripted fake model answers instantly; each conversation has a model of its own (its model
 * override), so every reply names its conversation and turn. Reports the server's own time per turn
 * (the turn's time in the server's request log minus the time inside the fake model), and checks
 * that each conversation's stored messages are exactly its own turns, in order, and that the model
 * saw only that conversation's history.
 *
 *   npm run build && npm run bench:conversations
 *   CONVERSATIONS=20 TURNS=5 DIALECTS=sqlite npm run bench:conversations
 */
import Letta from '@letta-ai/letta-client';
import { reply, startFakeModelServer, type FakeModelServer, type ScriptedModel } from '../../test/support/fake-model/index.js';
import { forEachDialect, inParallel, startBenchServer, summary, type BenchDialect } from '../support.js';

const CONVERSATIONS = Number(process.env.CONVERSATIONS ?? 100);
const TURNS = Number(process.env.TURNS ?? 20);
const CLIENTS = Number(process.env.CLIENTS ?? 10);

const said = (conversation: number, turn: number) => `conversation ${conversation} turn ${turn}`;
const answered = (conversation: number, turn: number) => `reply to conversation ${conversation} turn ${turn}`;

interface Thread {
  index: number;
  id: string;
  model: ScriptedModel;
}

/** What is wrong with one conversation's stored messages and the model's last prompt; empty if nothing. */
async function problemsOf(client: Letta, thread: Thread): Promise<string[]> {
  const stored: { message_type: string; content?: unknown }[] = [];
  for await (const message of client.conversations.messages.list(thread.id, { order: 'asc', limit: 1000 })) stored.push(message as never);
  const expected = Array.from({ length: TURNS }, (_, turn) => [
    { message_type: 'user_message', content: said(thread.index, turn) },
    { message_type: 'assistant_message', content: answered(thread.index, turn) },
  ]).flat();
  const actual = stored.filter((message) => message.message_type !== 'system_message').map(({ message_type, content }) => ({ message_type, content }));
  const problems: string[] = [];
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    problems.push(`conversation ${thread.index}: stored ${actual.length} messages, expected ${expected.length} in order; first difference at ${actual.findIndex((message, i) => JSON.stringify(message) !== JSON.stringify(expected[i]))}`);
  }
  // The last prompt holds this conversation's earlier turns and nothing of the others'.
  const lastPrompt = JSON.stringify(thread.model.requests.at(-1)?.body.messages ?? []);
  const foreign = lastPrompt.match(/conversation (\d+) turn/g)?.filter((hit) => hit !== `conversation ${thread.index} turn`);
  if (foreign?.length) problems.push(`conversation ${thread.index}: the model saw ${foreign.length} mentions of other conversations`);
  if (!lastPrompt.includes(said(thread.index, 0))) problems.push(`conversation ${thread.index}: the model's last prompt lacks its first turn`);
  return problems;
}

async function bench(dialect: BenchDialect, fake: FakeModelServer): Promise<void> {
  const server = await startBenchServer(dialect, { OPENAI_BASE_URL: fake.baseURL });
  try {
    const client = new Letta({ baseURL: server.url, apiKey: 'bench', maxRetries: 0, timeout: 60_000 });
    const agent = await client.agents.create({ model: fake.script([]).handle, memory_blocks: [{ label: 'human', value: 'Shared by every conversation.' }] });
    const threads: Thread[] = [];
    for (let index = 0; index < CONVERSATIONS; index++) {
      const model = fake.script(Array.from({ length: TURNS }, (_, turn) => reply.text(answered(index, turn))));
      const conversation = await client.conversations.create({ agent_id: agent.id, model: model.handle });
      threads.push({ index, id: conversation.id, model });
    }

    const serverOverheads: number[] = [];
    const clientOverheads: number[] = [];
    const started = performance.now();
    await inParallel(threads.length, CLIENTS, async (position) => {
      const thread = threads[position]!;
      const route = `POST /v1/conversations/${thread.id}/messages`;
      for (let turn = 0; turn < TURNS; turn++) {
        const before = thread.model.requests.length;
        const sent = performance.now();
        await client.post(`/v1/conversations/${thread.id}/messages`, { body: { input: said(thread.index, turn), streaming: false } });
        const total = performance.now() - sent;
        const inModel = thread.model.requests.slice(before).reduce((sum, request) => sum + (request.handledMs ?? 0), 0);
        clientOverheads.push(total - inModel);
        serverOverheads.push((await server.nextTime(route)) - inModel);
      }
    });
    const seconds = (performance.now() - started) / 1000;

    const problems = (await Promise.all(threads.map((thread) => problemsOf(client, thread)))).flat();
    console.log(`[${dialect}] ${summary(`server's own time per turn`, serverOverheads)}`);
    console.log(`[${dialect}] ${summary(`per turn as the client sees it`, clientOverheads)}`);
    console.log(`[${dialect}] ${CONVERSATIONS} conversations x ${TURNS} turns from ${CLIENTS} clients: ${((CONVERSATIONS * TURNS) / seconds).toFixed(0)} turns/s`);
    console.log(`[${dialect}] messages lost or misplaced: ${problems.length ? `${problems.length} conversations wrong` : 'none'}`);
    for (const problem of problems.slice(0, 10)) console.log(`[${dialect}]   ${problem}`);
    if (problems.length) process.exitCode = 1;
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
