import type { FileType } from '../../../src/files/file-types.js';
import { seededRandom } from '../../support/seeded-random.js';

const WORDS = (
  'archive harbour ledger lantern orchard pier tide gauge keeper shelf catalogue reading room ' +
  'winter market cellar thermometer comet survey heron kettle copper invoice payment balance ' +
  'morning evening north south river bridge station signal weather report letter office radio ' +
  'the a of and to in is was for on with as by at from that this it be are were has had'
).split(' ');

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

export function sentence(random: () => number, words = 8 + Math.floor(random() * 14)): string {
  const text = Array.from({ length: words }, () => pick(random, WORDS)).join(' ');
  return text[0].toUpperCase() + text.slice(1) + '.';
}

/** Paragraphs of hard-wrapped sentences, separated by blank lines. */
export function prose(random: () => number, paragraphs: number): string {
  return Array.from({ length: paragraphs }, () => wrap(Array.from({ length: 3 + Math.floor(random() * 5) }, () => sentence(random)).join(' '))).join('\n\n') + '\n';
}

function wrap(text: string, width = 96): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join('\n');
}

/** Sections of `##` headings with a few paragraphs each. */
export function markdown(random: () => number, sections: number, paragraphsPerSection = 2): string {
  const parts = ['# Generated handbook\n\n' + prose(random, 1)];
  for (let index = 0; index < sections; index++) parts.push(`## Section ${index + 1}\n\n` + prose(random, paragraphsPerSection));
  return parts.join('\n');
}

/** Python functions with blank lines inside them, separated by two blank lines. */
export function python(random: () => number, functions: number, blocksPerFunction = 3): string {
  const parts: string[] = ['import math\n'];
  for (let index = 0; index < functions; index++) {
    const blocks = Array.from({ length: blocksPerFunction }, (_, block) => {
      const name = `${pick(random, WORDS)}_${block}`;
      return [
        `    ${name} = [value * ${block + 1} for value in values if value > ${Math.floor(random() * 100)}]`,
        `    if len(${name}) > ${Math.floor(random() * 10)}:`,
        `        total += sum(${name}) / max(len(${name}), 1)  # ${sentence(random, 6)}`,
      ].join('\n');
    });
    parts.push(`def compute_${index}(values: list[float]) -> float:\n    """${sentence(random)}"""\n    total = 0.0\n\n${blocks.join('\n\n')}\n\n    return math.sqrt(abs(total))\n`);
  }
  return parts.join('\n\n');
}

export const MARKDOWN: FileType = { kind: 'markdown', mimeType: 'text/markdown' };
export const CODE: FileType = { kind: 'code', mimeType: 'text/x-python' };
export const TEXT: FileType = { kind: 'text', mimeType: 'text/plain' };

/** `count` files of about `bytesEach` bytes: markdown, code and prose in turn. */
export function corpus(count: number, bytesEach: number, seed = 7): { name: string; type: FileType; bytes: Uint8Array }[] {
  const random = seededRandom(seed);
  const encoder = new TextEncoder();
  return Array.from({ length: count }, (_, index) => {
    const [type, generate] = (
      [
        [MARKDOWN, () => markdown(random, 4)],
        [CODE, () => python(random, 6)],
        [TEXT, () => prose(random, 8)],
      ] as const
    )[index % 3];
    let text = '';
    while (text.length < bytesEach) text += generate() + '\n';
    const extension = type.kind === 'markdown' ? 'md' : type.kind === 'code' ? 'py' : 'txt';
    return { name: `file-${index}.${extension}`, type, bytes: encoder.encode(text) };
  });
}
