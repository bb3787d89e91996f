import { readFileSync } from 'node:fs';

const FIXTURES = new URL('../fixtures/files/', import.meta.url);

/** A file of test/fixtures/files/. */
export function sampleFile(name: string): Buffer {
  return readFileSync(new URL(name, FIXTURES));
}

/** Each sample file and the sentence its extracted text must hold (see test/fixtures/files/README.md). */
export const SAMPLE_SENTENCES: [string, string][] = [
  ['sample.txt', 'The lighthouse keeper counted exactly forty-two gulls on Tuesday.'],
  ['sample.md', 'Marmalade Protocol: every third Thursday the archive is rebalanced.'],
  ['sample.py', 'Quokka ledger reconciles the amber invoices before midnight.'],
  ['sample.json', 'The violet tram departs from Quillon Square at dawn.'],
  ['sample.csv', 'Zephyr copper kettles ship from Port Ellery.'],
  ['sample.yaml', 'Cobalt herons nest only on the western pier.'],
  ['sample.xml', 'The saffron comet returns every ninety-one years.'],
  ['sample.html', 'Juniper clocks chime backwards in the glass museum.'],
  ['sample.pdf', 'The obsidian orchard blooms only under a blue moon.'],
  ['sample.docx', 'The tangerine submarine surfaced beside the ice library.'],
];
