/**
 * How many SQL statements one turn of the step-overhead bench (one tool call plus one reply: two
 * steps) sends to the store, per dialect, counted at the drivers (better-sqlite3 statements run,
 * pg queries sent, the run's lock and transaction statements included).
 *
 *   npx tsx bench/step-overhead/count-statements.ts
 *   SHOW_SQL=1 DIALECTS=sqlite npx tsx bench/step-overhead/count-statements.ts
 *   TURNS=20 SHOW_SQL=1 DIALECTS=sqlite npx tsx bench/step-overhead/count-statements.ts   (a longer context)
 */
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { reply } from '../../test/support/fake-model/index.js';
import { startTestServerWithFakeModel } from '../../test/support/server.js';
import type { DialectName } from '../../test/support/dialects.js';

const statements: string[] = [];
/** Time inside the driver call per statement text (SHOW_SQL only), milliseconds. */
const timings = new Map<string, number>();

function countCalls<T extends object>(prototype: T, methods: (keyof T)[], textOf: (self: any, args: unknown[]) => string): void {
  for (const method of methods) {
    const original = prototype[method] as (...args: unknown[]) => unknown;
    (prototype as Record<keyof T, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
      const text = textOf(this, args);
      statements.push(text);
      const started = performance.now();
      const result = original.apply(this, args);
      timings.set(text, (timings.get(text) ?? 0) + performance.now() - started);
      return result;
    };
  }
}

const probe = new BetterSqlite3(':memory:');
countCalls(Object.getPrototypeOf(probe.prepare('select 1')), ['all', 'run', 'get', 'iterate'], (statement) => statement.source);
probe.close();
countCalls(pg.Client.prototype, ['query'], (_client, args) => (typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string }).text)));

const HISTORY = 200;
const TURNS = Number(process.env.TURNS ?? 3);

async function count(dialect: DialectName): Promise<void> {
  const { server, fake, close } = await startTestServerWithFakeModel(dialect);
  try {
    const model = fake.script([]);
    const history = Array.from({ length: HISTORY }, (_, index) => ({ role: index % 2 ? ('assistant' as const) : ('user' as const), content: `Earlier message ${index} about tea.` }));
    const agent = await server.client.agents.create({ model: model.handle, initial_message_sequence: history });
    const perTurn: number[] = [];
    for (let turn = 0; turn < TURNS; turn++) {
      model.push(reply.toolCall('conversation_search', { query: 'tea' }), reply.text('Here is what I found.'));
      const before = statements.length;
      timings.clear();
      await server.client.agents.messages.create(agent.id, { input: `What about tea? (${turn})` });
      perTurn.push(statements.length - before);
      if (process.env.SHOW_SQL && turn === TURNS - 1) for (const text of statements.slice(before)) console.log(`  ${(timings.get(text)! / statements.slice(before).filter((other) => other === text).length).toFixed(3)} ms  ${text.replace(/\s+/g, ' ').slice(0, 140)}`);
    }
    console.log(`[${dialect}] statements per turn (2 steps): ${perTurn.join(', ')}`);
  } finally {
    await close();
  }
}

for (const dialect of (process.env.DIALECTS ?? 'sqlite,postgres').split(',') as DialectName[]) await count(dialect);
