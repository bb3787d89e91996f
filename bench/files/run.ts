/**
 * Folder ingestion (issue 7). Generates a deterministic corpus of FILES files (markdown, Python and
 * prose in turn, about FILE_KB kilobytes each: 10.7 MB by default), uploads all of them to
 * one folder from CLIENTS concurrent clients through the official client, and polls the folder's
 * file list until every file is `completed` (any `error` stops the bench). The folder embeds with
 * the server's default, the offline model `mnemo/use-lite-512`. One small file is ingested first
 * in another folder, so that starting the parser and embedding workers is timed on its own.
 *
 * Reports the time from the first upload to the last file completed, the chunks and chunks/s end
 * to end, the server's CPU time (all threads, and its main thread alone) and chunks per CPU second,
 * and the server's peak resident memory (sampled every 50 ms, and the kernel's high-water mark).
 * Throughout the ingest a pinger asks `GET /v1/health` every HEALTH_INTERVAL_MS (20 ms) and reports
 * the latencies it sees (target: p99 under 50 ms), next to the server's own times from its request
 * log and this process's event-loop delay (which would inflate the client's figures).
 *
 *   npm run build && npm run bench:files
 *   FILES=30 DIALECTS=sqlite npm run bench:files     # quicker
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Letta, { toFile } from '@letta-ai/letta-client';
import { corpus } from '../../test/files/support/corpus.js';
import { forEachDialect, inParallel, percentile, startBenchServer, type BenchDialect, type BenchServer } from '../support.js';

const FILES = Number(process.env.FILES ?? 100);
const FILE_KB = Number(process.env.FILE_KB ?? 105);
const CLIENTS = Number(process.env.CLIENTS ?? 4);
const HEALTH_INTERVAL_MS = Number(process.env.HEALTH_INTERVAL_MS ?? 20);
const POLL_INTERVAL_MS = 250;
const TIMEOUT_MS = Number(process.env.TIMEOUT_MS ?? 60 * 60_000);
const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

const files = corpus(FILES, FILE_KB * 1000, 20260107);
const corpusBytes = files.reduce((sum, file) => sum + file.bytes.byteLength, 0);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resident memory (MB) now and its high-water mark since the process started, from /proc. */
function memoryMb(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/** CPU seconds used so far by the whole process (all threads) and by its main thread alone. */
function cpuSeconds(pid: number): { all: number; main: number } {
  // The fields after the command name, which is in parentheses and may hold spaces.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  const mainNs = Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]);
  return { all: ticks / CLOCK_TICKS_PER_SECOND, main: mainNs / 1e9 };
}

/** Asks for /v1/health every `interval` ms, one request at a time, until stopped; latencies in ms. */
function healthPinger(url: string, interval: number): { stop: () => Promise<number[]> } {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const response = await fetch(`${url}/v1/health`);
      await response.text();
      const took = performance.now() - started;
      if (!response.ok) throw new Error(`GET /v1/health answered ${response.status} during the ingest`);
      latencies.push(took);
      await sleep(Math.max(0, interval - took));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return latencies;
    },
  };
}

type FileRow = { id: string; file_name?: string | null; processing_status?: string; total_chunks?: number | null; chunks_embedded?: number | null; error_message?: string | null };

/** Polls the folder's files until all `expected` are completed; fails loudly on an error. */
async function allCompleted(client: Letta, folderId: string, expected: number, started: number, onPoll?: (completed: number) => void): Promise<{ rows: FileRow[]; firstCompletedMs: number }> {
  let firstCompletedMs = Number.NaN;
  for (;;) {
    const rows = (await client.folders.files.list(folderId, { limit: 1000 })).items as FileRow[];
    const failed = rows.find((row) => row.processing_status === 'error');
    if (failed) throw new Error(`${failed.file_name} failed: ${failed.error_message}`);
    const completed = rows.filter((row) => row.processing_status === 'completed').length;
    if (completed > 0 && Number.isNaN(firstCompletedMs)) firstCompletedMs = performance.now() - started;
    onPoll?.(completed);
    if (rows.length === expected && completed === expected) return { rows, firstCompletedMs };
    if (performance.now() - started > TIMEOUT_MS) throw new Error(`only ${completed} of ${expected} files completed in ${TIMEOUT_MS / 1000} s`);
    await sleep(POLL_INTERVAL_MS);
  }
}

/** Uploads one small file to a fresh folder and waits for it: starts the parser and the embedder. */
async function warmUp(client: Letta): Promise<number> {
  const started = performance.now();
  const folder = await client.folders.create({ name: 'warm-up' });
  await client.folders.files.upload(folder.id, { file: await toFile(Buffer.from('Warm up the workers.\n'), 'warm-up.txt') });
  await allCompleted(client, folder.id, 1, started);
  return performance.now() - started;
}

async function ingest(dialect: BenchDialect, server: BenchServer): Promise<void> {
  const log = (line: string) => console.log(`[${dialect}] ${line}`);
  const clients = Array.from({ length: CLIENTS }, () => new Letta({ baseURL: server.url, apiKey: 'bench', maxRetries: 0, timeout: 600_000 }));
  const client = clients[0]!;
  log(`cold start (parser and embedding workers), one small file: ${(await warmUp(client)).toFixed(0)} ms`);
  const folder = await client.folders.create({ name: 'bench-corpus' });
  const uploadables = await Promise.all(files.map((file) => toFile(Buffer.from(file.bytes), file.name)));

  const memoryBefore = memoryMb(server.pid);
  const cpuBefore = cpuSeconds(server.pid);
  let peakRss = memoryBefore.rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, memoryMb(server.pid).rss)), 50);
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const serverHealthBefore = server.serverTimes.get('GET /v1/health')?.length ?? 0;
  const pinger = healthPinger(server.url, HEALTH_INTERVAL_MS);

  const started = performance.now();
  const uploadTimes: number[] = [];
  let ingested: Awaited<ReturnType<typeof allCompleted>>;
  let health: number[];
  let seconds: number;
  const rssByQuarter: number[] = [];
  try {
    await inParallel(FILES, CLIENTS, async (index) => {
      const uploadStarted = performance.now();
      await clients[index % CLIENTS]!.folders.files.upload(folder.id, { file: uploadables[index]! });
      uploadTimes.push(performance.now() - uploadStarted);
    });
    const uploadedMs = performance.now() - started;
    log(`uploaded ${FILES} files (${(corpusBytes / 1e6).toFixed(1)} MB) from ${CLIENTS} clients in ${uploadedMs.toFixed(0)} ms; per upload p50=${percentile(uploadTimes, 50).toFixed(0)} ms max=${Math.max(...uploadTimes).toFixed(0)} ms`);
    // Resident memory as files complete: a steady climb would be a leak, a plateau the working set.
    ingested = await allCompleted(client, folder.id, FILES, started, (completed) => {
      const rss = memoryMb(server.pid).rss;
      for (let quarter = 1; quarter <= Math.floor((4 * completed) / FILES); quarter++) rssByQuarter[quarter - 1] ??= rss;
    });
    seconds = (performance.now() - started) / 1000;
  } finally {
    clearInterval(sampler);
    loopDelay.disable();
    health = await pinger.stop();
  }
  const cpu = cpuSeconds(server.pid);
  const memoryAfter = memoryMb(server.pid);
  peakRss = Math.max(peakRss, memoryAfter.rss);

  const chunks = ingested.rows.reduce((sum, row) => sum + (row.total_chunks ?? 0), 0);
  const embedded = ingested.rows.reduce((sum, row) => sum + (row.chunks_embedded ?? 0), 0);
  if (embedded !== chunks) throw new Error(`all files completed with ${embedded} of ${chunks} chunks embedded`);
  const cpuAll = cpu.all - cpuBefore.all;
  const cpuMain = cpu.main - cpuBefore.main;
  const serverHealth = server.serverTimes.get('GET /v1/health')?.slice(serverHealthBefore) ?? [];
  const ms = (value: number) => `${value.toFixed(1)} ms`;

  log(`all ${FILES} files completed ${seconds.toFixed(1)} s after the first upload (first one at ${(ingested.firstCompletedMs / 1000).toFixed(1)} s)`);
  log(`${chunks} chunks, ${(chunks / seconds).toFixed(0)} chunks/s end to end, ${(corpusBytes / 1e6 / seconds).toFixed(2)} MB/s`);
  log(`server CPU ${cpuAll.toFixed(1)} s (${(chunks / cpuAll).toFixed(0)} chunks per CPU second), of which its main thread ${cpuMain.toFixed(1)} s`);
  log(`server RSS ${memoryBefore.rss.toFixed(0)} MB before, peak ${peakRss.toFixed(0)} MB during the ingest (high-water mark since start ${memoryAfter.hwm.toFixed(0)} MB), ${memoryAfter.rss.toFixed(0)} MB after`);
  log(`server RSS as files completed (25/50/75/100%): ${rssByQuarter.map((mb) => mb.toFixed(0)).join(' / ')} MB`);
  log(`GET /v1/health during the ingest (client) n=${health.length} p50=${ms(percentile(health, 50))} p99=${ms(percentile(health, 99))} max=${ms(Math.max(...health))}`);
  if (serverHealth.length) log(`GET /v1/health, the server's own time   p50=${ms(percentile(serverHealth, 50))} p99=${ms(percentile(serverHealth, 99))} max=${ms(Math.max(...serverHealth))}`);
  log(`this process's event-loop delay (inflates the client's figures) p99=${ms(loopDelay.percentile(99) / 1e6)} max=${ms(loopDelay.max / 1e6)}`);
}

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`corpus: ${FILES} files, ${(corpusBytes / 1e6).toFixed(1)} MB (markdown, Python, prose)`);
await forEachDialect(async (dialect) => {
  const server = await startBenchServer(dialect);
  try {
    await ingest(dialect, server);
  } finally {
    await server.close();
  }
  console.log(`[${dialect}] machine load average (1, 5, 15 min) after the run: ${loadAverage()}`);
});
