/**
 * Agent file export and import (issue 8). Builds an agent with MESSAGES messages (user turns, tool
 * calls, tool returns and replies, ~150 characters each) and FILES files of FILE_KB kilobytes in
 * one folder, by importing a generated `.af` file; then times `GET /v1/agents/{id}/export` and
 * `POST /v1/agents/import` of the exported file through the official client, ROUNDS times each, and
 * reports the server process's peak resident memory during each (sampled from /proc every 10 ms).
 * The server runs as its own process (`npm run build` first).
 *
 *   npm run build && npm run bench:agentfile
 *   MESSAGES=2000 DIALECTS=sqlite npm run bench:agentfile     # quicker
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import Letta, { toFile } from '@letta-ai/letta-client';
import { forEachDialect, percentile, startBenchServer, type BenchDialect } from '../support.js';

const MESSAGES = Number(process.env.MESSAGES ?? 10_000);
const FILES = Number(process.env.FILES ?? 20);
const FILE_KB = Number(process.env.FILE_KB ?? 20);
const ROUNDS = Number(process.env.ROUNDS ?? 3);

/** A generated agent file: MESSAGES messages in repeating four-message turns, FILES files in one folder. */
function generatedAgentFile(): string {
  const messages: Record<string, unknown>[] = [{ id: 'message-0', role: 'system', content: [{ type: 'text', text: 'You are a benchmark agent.' }] }];
  const start = Date.parse('2025-01-01T00:00:00Z');
  for (let i = 1; messages.length < MESSAGES; i++) {
    const at = (offset: number) => new Date(start + i * 4000 + offset).toISOString();
    const callId = `call_${i}`;
    const turn = [
      { role: 'user', content: [{ type: 'text', text: `Question ${i}: what did we decide about item ${i % 97} in the plan for the spring release?` }], created_at: at(0) },
      { role: 'assistant', content: [], tool_calls: [{ id: callId, type: 'function', function: { name: 'conversation_search', arguments: JSON.stringify({ query: `item ${i % 97}` }) } }], created_at: at(1) },
      { role: 'tool', name: 'conversation_search', tool_call_id: callId, content: [{ type: 'text', text: `{"status": "OK", "message": "Found ${i % 5} earlier mentions of item ${i % 97}."}` }], tool_returns: [{ tool_call_id: callId, status: 'success', func_response: `Found ${i % 5} earlier mentions.` }], created_at: at(2) },
      { role: 'assistant', content: [{ type: 'text', text: `We agreed to ship item ${i % 97} after the review, with the smaller scope discussed on day ${i % 30}.` }], created_at: at(3) },
    ];
    for (const message of turn) if (messages.length < MESSAGES) messages.push({ id: `message-${messages.length}`, ...message });
  }
  const recent = messages.slice(-100).map((message) => message.id as string);
  const line = 'The quick brown fox jumps over the lazy dog while the benchmark measures exports. ';
  const content = line.repeat(Math.ceil((FILE_KB * 1024) / line.length)).slice(0, FILE_KB * 1024);
  const files = Array.from({ length: FILES }, (_, index) => ({ id: `file-${index}`, source_id: 'source-0', file_name: `bench-docs/doc-${index}.txt`, original_file_name: `doc-${index}.txt`, file_type: 'text/plain', file_size: content.length, content }));
  return JSON.stringify({
    agents: [
      {
        id: 'agent-0',
        name: 'agentfile-bench',
        agent_type: 'letta_v1_agent',
        llm_config: { model: 'gpt-4o-mini', model_endpoint_type: 'openai', context_window: 128000, handle: 'openai/gpt-4o-mini' },
        block_ids: ['block-0', 'block-1'],
        tool_ids: ['tool-0'],
        source_ids: ['source-0'],
        in_context_message_ids: messages.length > 101 ? ['message-0', ...recent] : messages.map((message) => message.id),
        messages,
        files_agents: files.map((file, index) => ({ agent_id: 'agent-0', file_id: file.id, source_id: 'source-0', file_name: file.file_name, is_open: index < 5, visible_content: index < 5 ? content.slice(0, 2000) : null })),
      },
    ],
    groups: [],
    blocks: [
      { id: 'block-0', label: 'human', value: 'The user plans releases.' },
      { id: 'block-1', label: 'persona', value: 'A careful planner.' },
    ],
    files,
    sources: [{ id: 'source-0', name: 'bench-docs' }],
    tools: [{ id: 'tool-0', name: 'conversation_search', tool_type: 'letta_core' }],
    mcp_servers: [],
  });
}

function serverPid(): number {
  const output = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  const line = output.split('\n').find((entry) => entry.includes('dist/cli.js'));
  if (!line) throw new Error('the server process was not found among this process\'s children');
  return Number(line.trim().split(/\s+/)[0]);
}

function residentMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Runs `work` while sampling the server's resident memory; returns its time and the peak seen. */
async function measured<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; ms: number; peakMb: number; beforeMb: number }> {
  const beforeMb = residentMb(pid);
  let peakMb = beforeMb;
  const timer = setInterval(() => (peakMb = Math.max(peakMb, residentMb(pid))), 10);
  const started = performance.now();
  try {
    const result = await work();
    return { result, ms: performance.now() - started, peakMb: Math.max(peakMb, residentMb(pid)), beforeMb };
  } finally {
    clearInterval(timer);
  }
}

async function bench(dialect: BenchDialect): Promise<void> {
  const server = await startBenchServer(dialect, { MNEMO_LOG_LEVEL: 'warn' });
  try {
    const client = new Letta({ baseURL: server.url, apiKey: 'bench', maxRetries: 0, timeout: 600_000 });
    const pid = serverPid();
    const generated = generatedAgentFile();
    const importFile = async (text: string) => client.agents.importFile({ file: await toFile(Buffer.from(text), 'agent.af'), append_copy_suffix: false });
    const built = await measured(pid, () => importFile(generated));
    const agentId = built.result.agent_ids[0]!;
    console.log(`[${dialect}] built the agent by importing a generated ${(generated.length / 1e6).toFixed(1)} MB file: ${built.ms.toFixed(0)} ms`);

    const exports: number[] = [];
    const imports: number[] = [];
    let exportPeak = 0;
    let importPeak = 0;
    let exported = '';
    let idle = Number.POSITIVE_INFINITY;
    for (let round = 0; round < ROUNDS; round++) {
      const exportRun = await measured(pid, async () => {
        const response = await fetch(`${server.url}/v1/agents/${agentId}/export`);
        return response.text();
      });
      exported = exportRun.result;
      exports.push(exportRun.ms);
      exportPeak = Math.max(exportPeak, exportRun.peakMb);
      idle = Math.min(idle, exportRun.beforeMb);
      const importRun = await measured(pid, () => importFile(exported));
      imports.push(importRun.ms);
      importPeak = Math.max(importPeak, importRun.peakMb);
    }
    const file = JSON.parse(exported);
    const check = `${file.agents[0].messages.length} messages, ${file.files.length} files, ${(exported.length / 1e6).toFixed(1)} MB`;
    console.log(`[${dialect}] export: ${check}`);
    console.log(`[${dialect}] export  p50=${percentile(exports, 50).toFixed(0)} ms  max=${Math.max(...exports).toFixed(0)} ms  peak RSS ${exportPeak.toFixed(0)} MB`);
    console.log(`[${dialect}] import  p50=${percentile(imports, 50).toFixed(0)} ms  max=${Math.max(...imports).toFixed(0)} ms  peak RSS ${importPeak.toFixed(0)} MB`);
    console.log(`[${dialect}] server RSS before the first export ${idle.toFixed(0)} MB`);
  } finally {
    await server.close();
  }
}

await forEachDialect(bench);
