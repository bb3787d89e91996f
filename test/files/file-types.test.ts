import { describe, expect, it } from 'vitest';
import { detectFileType, extractedTextType } from '../../src/files/file-types.js';

describe('detectFileType', () => {
  it.each([
    ['notes.txt', 'text', 'text/plain'],
    ['README.md', 'markdown', 'text/markdown'],
    ['guide.markdown', 'markdown', 'text/markdown'],
    ['script.py', 'code', 'text/x-python'],
    ['app.ts', 'code', 'text/x-typescript'],
    ['main.go', 'code', 'text/x-go'],
    ['data.json', 'json', 'application/json'],
    ['rows.csv', 'csv', 'text/csv'],
    ['rows.tsv', 'csv', 'text/tab-separated-values'],
    ['config.yaml', 'yaml', 'application/yaml'],
    ['config.yml', 'yaml', 'application/yaml'],
    ['feed.xml', 'xml', 'application/xml'],
    ['page.html', 'html', 'text/html'],
    ['page.htm', 'html', 'text/html'],
    ['paper.pdf', 'pdf', 'application/pdf'],
    ['letter.docx', 'docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ])('%s is %s', (name, kind, mimeType) => {
    expect(detectFileType(name)).toEqual({ kind, mimeType });
  });

  it('reads the extension case-insensitively and ignores directories in the name', () => {
    expect(detectFileType('Docs/REPORT.PDF')?.kind).toBe('pdf');
    expect(detectFileType('a.b/notes.MD')?.kind).toBe('markdown');
  });

  it('prefers a known extension to a generic declared type', () => {
    expect(detectFileType('paper.pdf', 'application/octet-stream')?.kind).toBe('pdf');
    expect(detectFileType('notes.md', 'text/plain')?.kind).toBe('markdown');
  });

  it('uses the declared type, without its parameters, when the name has no known extension', () => {
    expect(detectFileType('upload', 'text/plain; charset=utf-8')).toEqual({ kind: 'text', mimeType: 'text/plain' });
    expect(detectFileType('blob', 'APPLICATION/PDF')).toEqual({ kind: 'pdf', mimeType: 'application/pdf' });
    expect(detectFileType('Makefile', 'text/x-makefile')).toEqual({ kind: 'code', mimeType: 'text/x-makefile' });
    expect(detectFileType('.env', 'text/plain')?.kind).toBe('text');
  });

  it('answers null for what it cannot read', () => {
    expect(detectFileType('photo.png', 'image/png')).toBeNull();
    expect(detectFileType('archive.zip')).toBeNull();
    expect(detectFileType('slides.pptx', 'application/octet-stream')).toBeNull();
    expect(detectFileType('noextension')).toBeNull();
    expect(detectFileType('noextension', null)).toBeNull();
    expect(detectFileType('constructor')).toBeNull();
    expect(detectFileType('x.constructor')).toBeNull();
    expect(detectFileType('upload', 'constructor')).toBeNull();
  });
});

describe('extractedTextType', () => {
  it('reads already-extracted text without extracting it again, chunked by the original rules', () => {
    expect(extractedTextType(detectFileType('page.html', 'text/html'))).toEqual({ kind: 'markdown', mimeType: 'text/markdown' });
    expect(extractedTextType(detectFileType('paper.pdf', 'application/pdf'))).toEqual({ kind: 'text', mimeType: 'text/plain' });
    expect(extractedTextType(detectFileType('README.md', 'text/markdown'))).toEqual({ kind: 'markdown', mimeType: 'text/markdown' });
    expect(extractedTextType(null)).toEqual({ kind: 'text', mimeType: 'text/plain' });
  });
});
