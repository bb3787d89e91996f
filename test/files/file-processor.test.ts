import { afterAll, describe, expect, it } from 'vitest';
import { FileParseError, FileProcessor } from '../../src/files/file-processor.js';
import { TEXT, corpus, prose } from './support/corpus.js';
import { seededRandom } from '../support/seeded-random.js';

const encoder = new TextEncoder();

let large: Uint8Array | undefined;

/** About 8 MB of generated markdown, code and prose in one file (a fresh copy each time, made once). */
function largeFile(): Uint8Array {
  large ??= concatenated();
  return large.slice();
}

function concatenated(): Uint8Array {
  const parts = corpus(80, 100_000).map((file) => file.bytes);
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}

describe('FileProcessor: the worker thread', () => {
  const processor = new FileProcessor();
  afterAll(() => processor.close());

  it('leaves the event loop free while it parses a large file', async () => {
    const bytes = largeFile();
    await processor.extract(encoder.encode('warm up: the worker loads the tokenizer once'), TEXT);
    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(performance.now()), 10);
    const started = performance.now();
    let file;
    try {
      file = await processor.extract(bytes, TEXT);
    } finally {
      clearInterval(timer);
    }
    const elapsed = performance.now() - started;
    expect(file.chunks.length).toBeGreaterThan(5000);
    // Meaningful only if parsing takes a while: on the main thread, no tick would happen meanwhile.
    expect(elapsed).toBeGreaterThan(500);
    expect(ticks.length).toBeGreaterThan(elapsed / 10 / 4);
    const gaps = ticks.slice(1).map((tick, index) => tick - ticks[index]);
    expect(Math.max(...gaps)).toBeLessThan(elapsed / 3);
  });

  it('queues requests and answers each with its own file', async () => {
    const random = seededRandom(11);
    const texts = Array.from({ length: 12 }, (_, index) => `File number ${index}.\n\n${prose(random, 5 + index)}`);
    const files = await Promise.all(texts.map((text) => processor.extract(encoder.encode(text), TEXT)));
    files.forEach((file, index) => {
      expect(file.text).toBe(texts[index]);
      expect(file.chunks[0]).toMatch(new RegExp(`^File number ${index}\\.`));
    });
  });

  it('leaves the caller its bytes', async () => {
    const bytes = encoder.encode('Bytes the caller keeps.');
    await processor.extract(bytes, TEXT);
    expect(bytes.byteLength).toBe(23);
    expect(new TextDecoder().decode(bytes)).toBe('Bytes the caller keeps.');
  });
});

describe('FileProcessor: several workers', () => {
  it('spreads files over its workers and gives the same results as one worker', async () => {
    const files = corpus(4, 30_000, 3);
    const one = new FileProcessor();
    const two = new FileProcessor({ workers: 2 });
    try {
      const [alone, shared] = await Promise.all([
        Promise.all(files.map((file) => one.extract(file.bytes, file.type))),
        Promise.all(files.map((file) => two.extract(file.bytes, file.type))),
      ]);
      expect(shared).toEqual(alone);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});

describe('FileProcessor: limits and shutdown', () => {
  it('fails a file that takes longer than the timeout, not counting the worker start, and carries on with a new worker', async () => {
    const processor = new FileProcessor({ timeoutMs: 400 });
    try {
      // The worker takes longer than 400 ms to load the tokenizer; that does not count.
      expect((await processor.extract(encoder.encode('warm up'), TEXT)).text).toBe('warm up');
      const slow = processor.extract(largeFile(), TEXT);
      await expect(slow).rejects.toBeInstanceOf(FileParseError);
      await expect(slow).rejects.toThrow('parsing the file took longer than 0.4 s');
      expect((await processor.extract(encoder.encode('after the timeout'), TEXT)).text).toBe('after the timeout');
    } finally {
      await processor.close();
    }
  });

  it('fails a file that needs more memory than the worker may use, and carries on with a new worker', async () => {
    const processor = new FileProcessor({ memoryLimitMb: 32 });
    try {
      const failure = processor.extract(largeFile(), TEXT);
      await expect(failure).rejects.toBeInstanceOf(FileParseError);
      await expect(failure).rejects.toThrow('the file needs more than 32 MB of memory to parse');
      expect((await processor.extract(encoder.encode('small enough'), TEXT)).text).toBe('small enough');
    } finally {
      await processor.close();
    }
  });

  it('rejects files still waiting when it closes, and any file after', async () => {
    const processor = new FileProcessor();
    const outcomes = [processor.extract(largeFile(), TEXT), processor.extract(encoder.encode('queued'), TEXT)].map((file) =>
      file.then(
        () => 'parsed',
        (error: Error) => error.message,
      ),
    );
    await processor.close();
    expect(await Promise.all(outcomes)).toEqual(['mnemo: the file processor was closed', 'mnemo: the file processor was closed']);
    await expect(processor.extract(encoder.encode('late'), TEXT)).rejects.toThrow(/the file processor is closed/);
  });
});
