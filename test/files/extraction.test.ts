import { afterAll, describe, expect, it } from 'vitest';
import { FileParseError, FileProcessor } from '../../src/files/file-processor.js';
import { detectFileType, type FileType } from '../../src/files/file-types.js';
import { SAMPLE_SENTENCES, sampleFile } from '../support/sample-files.js';

function typeOf(name: string): FileType {
  const type = detectFileType(name);
  if (!type) throw new Error(`no type for ${name}`);
  return type;
}

const TEXT: FileType = { kind: 'text', mimeType: 'text/plain' };

describe('FileProcessor.extract: the sample files', () => {
  const processor = new FileProcessor();
  afterAll(() => processor.close());

  it.each(SAMPLE_SENTENCES)('%s: the text has its sentence, and so does a chunk', async (name, sentence) => {
    const file = await processor.extract(sampleFile(name), typeOf(name));
    expect(file.text).toContain(sentence);
    expect(file.chunks.some((chunk) => chunk.includes(sentence))).toBe(true);
  });

  it('keeps structured text files as they are, with \\n line ends', async () => {
    for (const name of ['sample.json', 'sample.csv', 'sample.yaml', 'sample.xml', 'sample.py']) {
      const bytes = sampleFile(name);
      expect((await processor.extract(bytes, typeOf(name))).text).toBe(new TextDecoder().decode(bytes));
    }
  });

  it('reads every page of the PDF, in order, separated by a blank line', async () => {
    const { text } = await processor.extract(sampleFile('sample.pdf'), typeOf('sample.pdf'));
    const pages = ['Page one covers the spring pruning calendar.', 'The obsidian orchard blooms', 'Keep apples and pears apart'];
    const positions = pages.map((page) => text.indexOf(page));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(text).toMatch(/keep their shape\.\n\nNight Harvests/);
  });

  it('reads the docx paragraphs as separate paragraphs', async () => {
    const { text } = await processor.extract(sampleFile('sample.docx'), typeOf('sample.docx'));
    expect(text).toContain('Submarine Log\n\nThe tangerine submarine');
    expect(text).toContain('The crew logged the depth and the water temperature.');
    expect(text).toContain('Second watch\n\nDuring the second watch');
  });

  it('turns HTML into readable text: no scripts, styles, comments or tags; entities decoded; headings and list items kept', async () => {
    const { text } = await processor.extract(sampleFile('sample.html'), typeOf('sample.html'));
    expect(text).not.toMatch(/SCRIPT_TEXT_MUST_NOT_APPEAR|NOSCRIPT_TEXT_MUST_NOT_APPEAR|font-family|a comment|<|>/);
    expect(text).toContain('# The Glass Museum');
    expect(text).toContain('## Opening hours');
    expect(text).toContain('- Tuesday to Friday: 10 – 18\n- Weekends: 9 & later by appointment');
    expect(text).toContain('Tickets cost €12 — children under twelve enter free.\nGuided tours start at noon.');
    // Whitespace inside a paragraph's source lines collapses to single spaces.
    expect(text).toContain('Visitors are asked not to touch the pendulums, which are older');
  });

  it('keeps the title of an HTML page whose body does not repeat it, and decodes numeric entities', async () => {
    const html = '<html><head><title>Tide &#8211; Tables</title></head><body><p>High water at &#x31;2:40.</p></body></html>';
    const { text } = await processor.extract(new TextEncoder().encode(html), typeOf('tides.html'));
    expect(text).toBe('Tide – Tables\n\nHigh water at 12:40.');
  });
});

describe('FileProcessor.extract: text decoding', () => {
  const processor = new FileProcessor();
  afterAll(() => processor.close());

  it('drops a UTF-8 byte order mark and turns CRLF and CR into LF', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('first\r\nsecond\rthird café')]);
    expect((await processor.extract(bytes, TEXT)).text).toBe('first\nsecond\nthird café');
  });

  it('reads UTF-16 that starts with its byte order mark', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Grüße aus Köln', 'utf16le')]);
    expect((await processor.extract(utf16, TEXT)).text).toBe('Grüße aus Köln');
  });

  it('refuses bytes that are not UTF-8', async () => {
    const latin1 = Buffer.from('caf\xe9 cr\xe8me', 'latin1');
    await expect(processor.extract(latin1, TEXT)).rejects.toThrow(new FileParseError('the file is not valid UTF-8 text'));
  });

  it('refuses binary data passed off as text', async () => {
    const bytes = new Uint8Array([0x68, 0x69, 0x00, 0x00, 0x01, 0x02, 0x68, 0x69]);
    await expect(processor.extract(bytes, typeOf('data.json'))).rejects.toThrow(new FileParseError('the file holds binary data, not text'));
  });

  it('counts text that looks like a special token as plain text', async () => {
    const { text, chunks } = await processor.extract(new TextEncoder().encode('before <|endoftext|> after'), TEXT);
    expect(chunks).toEqual([text]);
  });
});

describe('FileProcessor.extract: bad content', () => {
  const processor = new FileProcessor();
  afterAll(() => processor.close());

  it('fails a corrupt PDF with a FileParseError saying so', async () => {
    const failure = processor.extract(sampleFile('corrupt.pdf'), typeOf('corrupt.pdf'));
    await expect(failure).rejects.toBeInstanceOf(FileParseError);
    await expect(failure).rejects.toThrow(/^the file is not a readable PDF/);
  });

  it('fails a PDF without a text layer as having no text', async () => {
    await expect(processor.extract(sampleFile('no-text.pdf'), typeOf('no-text.pdf'))).rejects.toThrow(new FileParseError('the file has no text'));
  });

  it('fails a .docx that is not a Word document', async () => {
    const failure = processor.extract(sampleFile('sample.txt'), typeOf('letter.docx'));
    await expect(failure).rejects.toBeInstanceOf(FileParseError);
    await expect(failure).rejects.toThrow(/^the file is not a readable \.docx document/);
  });

  it('fails an empty file, and one of whitespace only, as having no text', async () => {
    await expect(processor.extract(sampleFile('empty.txt'), typeOf('empty.txt'))).rejects.toThrow(new FileParseError('the file has no text'));
    await expect(processor.extract(new TextEncoder().encode(' \n\t\n'), typeOf('blank.md'))).rejects.toThrow(new FileParseError('the file has no text'));
    await expect(processor.extract(new TextEncoder().encode('<html><body> <script>x()</script> </body></html>'), typeOf('blank.html'))).rejects.toThrow(
      new FileParseError('the file has no text'),
    );
  });

  it('keeps working after a file fails', async () => {
    await expect(processor.extract(sampleFile('corrupt.pdf'), typeOf('corrupt.pdf'))).rejects.toBeInstanceOf(FileParseError);
    expect((await processor.extract(sampleFile('sample.pdf'), typeOf('sample.pdf'))).text).toContain('obsidian orchard');
  });
});
