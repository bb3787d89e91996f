import { readFileSync } from 'node:fs';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { afterAll, describe, expect, it } from 'vitest';
import { FileProcessor, type ChunkOptions } from '../../src/files/file-processor.js';
import { detectFileType, type FileType } from '../../src/files/file-types.js';
import { CODE, MARKDOWN, TEXT, markdown, prose, python, sentence } from './support/corpus.js';
import { seededRandom } from '../support/seeded-random.js';

const encoder = new TextEncoder();
const tokens = (text: string) => countTokens(text, { disallowedSpecial: new Set() });

interface Span {
  start: number;
  end: number;
}

/** Where each chunk sits in the text: each starts inside or right after the one before. */
function locate(text: string, chunks: string[]): Span[] {
  const spans: Span[] = [];
  for (const chunk of chunks) {
    const previous = spans.at(-1);
    const start = previous ? text.indexOf(chunk, previous.start + 1) : text.indexOf(chunk);
    expect(start, `chunk ${spans.length} is not a slice of the text after the chunk before it`).toBeGreaterThanOrEqual(0);
    spans.push({ start, end: start + chunk.length });
  }
  return spans;
}

/** Checks that the chunks cover the whole text in order, overlapping or touching, and returns their spans. */
function expectCoverage(text: string, chunks: string[]): Span[] {
  const spans = locate(text, chunks);
  expect(spans[0].start).toBe(0);
  expect(spans.at(-1)!.end).toBe(text.length);
  spans.slice(1).forEach((span, index) => expect(span.start, `gap before chunk ${index + 1}`).toBeLessThanOrEqual(spans[index].end));
  return spans;
}

/** The text that follows each chunk but the last: where the split was made. */
function splitPoints(text: string, spans: Span[]): string[] {
  return spans.slice(0, -1).map((span) => text.slice(span.end, span.end + 40));
}

describe('FileProcessor.extract: chunking', () => {
  const processor = new FileProcessor();
  afterAll(() => processor.close());
  const extract = (text: string, type: FileType, options?: ChunkOptions) => processor.extract(encoder.encode(text), type, options);

  it('keeps every chunk within the token budget, for every sample file and budget', async () => {
    const names = ['sample.txt', 'sample.md', 'sample.py', 'sample.json', 'sample.csv', 'sample.yaml', 'sample.xml', 'sample.html', 'sample.pdf', 'sample.docx'];
    for (const options of [{}, { chunkTokens: 100, overlapTokens: 20 }, { chunkTokens: 16, overlapTokens: 0 }, { chunkTokens: 16, overlapTokens: 8 }]) {
      for (const name of names) {
        const bytes = readFileSync(new URL(`../fixtures/files/${name}`, import.meta.url));
        const { text, chunks } = await processor.extract(bytes, detectFileType(name)!, options);
        const budget = options.chunkTokens ?? 300;
        for (const chunk of chunks) expect(tokens(chunk), `${name} ${JSON.stringify(options)}`).toBeLessThanOrEqual(budget);
        expectCoverage(text, chunks);
      }
    }
  });

  it('makes one chunk of a text that fits the budget', async () => {
    const { text, chunks } = await extract('A short note.\n', TEXT);
    expect(chunks).toEqual([text]);
  });

  it('covers a long text with chunks that fill the budget well and overlap by at most the overlap', async () => {
    const text = prose(seededRandom(1), 120);
    const { chunks } = await extract(text, TEXT);
    const spans = expectCoverage(text, chunks);
    expect(chunks.length).toBeGreaterThan(10);
    for (const chunk of chunks) expect(tokens(chunk)).toBeLessThanOrEqual(300);
    // Chunks end at the best boundary in their second half, so all but the last are at least half full.
    for (const chunk of chunks.slice(0, -1)) expect(tokens(chunk)).toBeGreaterThanOrEqual(150);
    spans.slice(1).forEach((span, index) => {
      const overlap = text.slice(span.start, spans[index].end);
      expect(overlap.length, `no overlap before chunk ${index + 1}`).toBeGreaterThan(0);
      expect(tokens(overlap)).toBeLessThanOrEqual(50);
      expect(tokens(overlap)).toBeGreaterThanOrEqual(25);
    });
  });

  it('without overlap, cuts the text into consecutive pieces', async () => {
    const text = prose(seededRandom(2), 40);
    const { chunks } = await extract(text, TEXT, { chunkTokens: 120, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.join('')).toBe(text);
  });

  it('ends prose chunks at paragraph or sentence ends when it can', async () => {
    const text = prose(seededRandom(3), 60);
    const { chunks } = await extract(text, TEXT);
    const spans = expectCoverage(text, chunks);
    for (const chunk of chunks.slice(0, -1)) expect(chunk).toMatch(/\.\s*$/);
    expect(splitPoints(text, spans).filter((next) => /^[A-Z]/.test(next)).length).toBe(spans.length - 1);
  });

  it('splits markdown before headings rather than at other paragraph ends', async () => {
    // Sections of three short paragraphs, about 95 tokens: two fit in a chunk of 250, three do not.
    const random = seededRandom(4);
    const paragraph = () => `${sentence(random, 12)} ${sentence(random, 12)}`;
    const text = Array.from({ length: 30 }, (_, index) => `## Section ${index + 1}\n\n${paragraph()}\n\n${paragraph()}\n\n${paragraph()}\n`).join('\n');
    const options = { chunkTokens: 250, overlapTokens: 40 };
    const asMarkdown = await extract(text, MARKDOWN, options);
    const markdownSplits = splitPoints(text, expectCoverage(text, asMarkdown.chunks));
    expect(markdownSplits.length).toBeGreaterThan(5);
    for (const next of markdownSplits) expect(next).toMatch(/^## Section \d+\n/);
    // The same text chunked as plain prose ends chunks at whatever paragraph end comes last.
    const asProse = await extract(text, TEXT, options);
    const proseSplits = splitPoints(text, expectCoverage(text, asProse.chunks));
    expect(proseSplits.filter((next) => !next.startsWith('## ')).length).toBeGreaterThan(0);
  });

  it('never ends a markdown chunk right after a heading, nor takes # lines in code fences for headings', async () => {
    // A long fence with a comment every 5 lines: were those headings, every split in the fence would be before one.
    const fenceLines = Array.from({ length: 90 }, (_, index) => (index % 5 === 0 ? `# part ${index / 5}` : `value_${index} = compute(${index}, scale=0.5)`));
    const text = markdown(seededRandom(5), 12, 3).replace('## Section 6\n', '## Section 6\n\n```python\n' + fenceLines.join('\n') + '\n```\n');
    const { chunks } = await extract(text, MARKDOWN, { chunkTokens: 120, overlapTokens: 20 });
    const spans = expectCoverage(text, chunks);
    for (const chunk of chunks) expect(chunk).not.toMatch(/(^|\n)#+ (?!part)[^\n]*\n+$/);
    const splitsInFence = splitPoints(text, spans).filter((next) => /^(value_|# part)/.test(next));
    expect(splitsInFence.length).toBeGreaterThan(3);
    expect(splitsInFence.filter((next) => next.startsWith('value_')).length).toBeGreaterThan(0);
  });

  it('splits code before top-level definitions rather than at blank lines inside them', async () => {
    // Functions of about 190 tokens, with blank lines inside: one fits in a chunk of 300, two do not.
    const text = python(seededRandom(6), 20);
    const asCode = await extract(text, CODE);
    const codeSplits = splitPoints(text, expectCoverage(text, asCode.chunks));
    expect(codeSplits.length).toBeGreaterThan(5);
    for (const next of codeSplits) expect(next).toMatch(/^def compute_\d+\(/);
    const asProse = await extract(text, TEXT);
    const proseSplits = splitPoints(text, expectCoverage(text, asProse.chunks));
    expect(proseSplits.filter((next) => !next.startsWith('def ')).length).toBeGreaterThan(0);
  });

  it('splits a line too long for one chunk, and one without any space, hard but within budget', async () => {
    const random = seededRandom(8);
    const longLine = Array.from({ length: 400 }, () => prose(random, 1).replace(/\n/g, ' ').trim()).join(' ');
    const noSpaces = Array.from({ length: 6000 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789+/'[Math.floor(random() * 38)]).join('');
    // Characters of several UTF-8 bytes, some outside the BMP: token boundaries fall inside them.
    const multibyte = Array.from({ length: 3000 }, () => ['🙂', '🚀', '日', '本', '語', '€', 'ß', '𝄞'][Math.floor(random() * 8)]).join('');
    for (const text of [longLine, noSpaces, multibyte, `${noSpaces}\n${longLine}\n${multibyte}`]) {
      const { chunks } = await extract(text, TEXT, { chunkTokens: 100, overlapTokens: 20 });
      expect(chunks.length).toBeGreaterThan(5);
      for (const chunk of chunks) expect(tokens(chunk)).toBeLessThanOrEqual(100);
      expectCoverage(text, chunks);
    }
  });

  it('rejects chunk settings it cannot honour', async () => {
    await expect(extract('text', TEXT, { chunkTokens: 8 })).rejects.toThrow(/chunkTokens must be an integer of at least 16/);
    await expect(extract('text', TEXT, { chunkTokens: 100.5 })).rejects.toThrow(/chunkTokens/);
    await expect(extract('text', TEXT, { chunkTokens: 100, overlapTokens: 51 })).rejects.toThrow(/overlapTokens must be an integer from 0 to half of chunkTokens/);
    await expect(extract('text', TEXT, { overlapTokens: -1 })).rejects.toThrow(/overlapTokens/);
  });
});
