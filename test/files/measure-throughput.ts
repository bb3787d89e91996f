/**
 * Throughput of FileProcessor.extract() alone: 100 generated files (markdown, Python, prose) of
 * about 100 KB each, 10 MB in all, chunked at 300 tokens with 50 of overlap. Reports wall time,
 * CPU time of the whole process (all threads: steadier than wall time on a busy machine), and the
 * pauses of the main thread's event loop while the files are processed.
 *
 *   npx tsx test/files/measure-throughput.ts [workers]
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { FileProcessor } from '../../src/files/file-processor.js';
import { corpus } from './support/corpus.js';

const workers = Number(process.argv[2] ?? 1);
const files = corpus(100, 100_000);
const megabytes = files.reduce((sum, file) => sum + file.bytes.byteLength, 0) / 1e6;

const processor = new FileProcessor({ workers });
const started = performance.now();
await processor.extract(new TextEncoder().encode('warm up'), { kind: 'text', mimeType: 'text/plain' });
const warmUp = performance.now() - started;

const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();
const cpuBefore = process.cpuUsage();
const begin = performance.now();
const results = await Promise.all(files.map((file) => processor.extract(file.bytes, file.type)));
const seconds = (performance.now() - begin) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
delay.disable();
await processor.close();

const chunks = results.reduce((sum, result) => sum + result.chunks.length, 0);
console.log(`workers: ${workers}; worker start (tokenizer load): ${warmUp.toFixed(0)} ms`);
console.log(`${files.length} files, ${megabytes.toFixed(1)} MB → ${chunks} chunks in ${seconds.toFixed(2)} s`);
console.log(`${Math.round(chunks / seconds)} chunks/s, ${(megabytes / seconds).toFixed(2)} MB/s (wall)`);
console.log(`${Math.round(chunks / cpuSeconds)} chunks per CPU second (${cpuSeconds.toFixed(2)} s of CPU)`);
console.log(`main event loop delay: p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms`);
