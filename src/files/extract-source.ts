/**
 * Text extraction, as plain JavaScript source for the file worker (see worker-source.ts). It
 * defines `extractText(bytes, kind, packages)`, resolving to the file's text with `\n` line ends,
 * and `FileParseFailure`, the error for content that cannot be read (the parent turns it into a
 * FileParseError). `packages` gives `unpdf()` and `mammoth()`, loaded on first use.
 *
 * HTML becomes readable text with markdown-style headings and list items, so that it chunks by
 * the markdown rules.
 */
export const EXTRACT_SOURCE = String.raw`
class FileParseFailure extends Error {}

async function extractText(bytes, kind, packages) {
  let text;
  if (kind === 'pdf') text = await pdfText(bytes, packages.unpdf());
  else if (kind === 'docx') text = await docxText(bytes, packages.mammoth());
  else if (kind === 'html') text = htmlText(decodeText(bytes));
  else text = decodeText(bytes);
  return text.replace(/\r\n?/g, '\n');
}

/** UTF-8 (a BOM is dropped), or UTF-16 when the file starts with its BOM; binary data is refused. */
function decodeText(bytes) {
  const encoding = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : 'utf-8';
  let text;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new FileParseFailure('the file is not valid ' + encoding.toUpperCase() + ' text');
  }
  if (text.includes('\u0000')) throw new FileParseFailure('the file holds binary data, not text');
  return text;
}

async function pdfText(bytes, unpdf) {
  let pdf;
  try {
    pdf = await unpdf.getDocumentProxy(bytes, { verbosity: 0 });
  } catch (error) {
    if (error && error.name === 'PasswordException') throw new FileParseFailure('the PDF is password-protected');
    throw new FileParseFailure('the file is not a readable PDF (' + firstLine(error) + ')');
  }
  try {
    const { text } = await unpdf.extractText(pdf, { mergePages: false });
    return text.map((page) => page.trim()).filter(Boolean).join('\n\n');
  } catch (error) {
    throw new FileParseFailure('the PDF text could not be extracted (' + firstLine(error) + ')');
  } finally {
    await pdf.loadingTask.destroy();
  }
}

async function docxText(bytes, mammoth) {
  try {
    const { value } = await mammoth.extractRawText({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
    return value;
  } catch (error) {
    throw new FileParseFailure('the file is not a readable .docx document (' + firstLine(error) + ')');
  }
}

function firstLine(error) {
  return String((error && error.message) || error).split('\n')[0];
}

const HTML_DROPPED_ELEMENTS = /<(script|style|noscript|template|svg|canvas|iframe|object|head)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const HTML_TITLE = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i;
const HTML_HEADING = /<h([1-6])\b[^>]*>/gi;
const HTML_LIST_ITEM = /<li\b[^>]*>/gi;
const HTML_LINE_BREAK = /<br\b[^>]*>/gi;
const HTML_ROW_END = /<\/(tr|dt|dd)\s*>/gi;
const HTML_CELL_END = /<\/(td|th)\s*>/gi;
const HTML_BLOCK = /<\/?(address|article|aside|blockquote|body|caption|details|div|dl|fieldset|figcaption|figure|footer|form|h[1-6]|header|hr|html|main|nav|ol|p|pre|section|summary|table|tbody|thead|tfoot|ul)\b[^>]*>/gi;
const HTML_TAG = /<\/?[A-Za-z][^>]*>|<![^>]*>|<\?[^>]*>/g;
const HTML_ENTITY = /&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/gi;
const NAMED_ENTITIES = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ensp: ' ', emsp: ' ', thinsp: ' ',
  ndash: '–', mdash: '—', hellip: '…', lsquo: '‘', rsquo: '’', sbquo: '‚', ldquo: '“', rdquo: '”',
  bdquo: '„', laquo: '«', raquo: '»', bull: '•', middot: '·', copy: '©', reg: '®', trade: '™',
  deg: '°', times: '×', divide: '÷', plusmn: '±', para: '¶', sect: '§', euro: '€', pound: '£',
  yen: '¥', cent: '¢', shy: '',
};

/** Readable text of an HTML page: no scripts, styles or markup; headings as '#', list items as '-'. */
function htmlText(html) {
  const title = HTML_TITLE.exec(html);
  const body = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(HTML_DROPPED_ELEMENTS, ' ')
    .replace(/\s+/g, ' ')
    .replace(HTML_HEADING, (_, level) => '\n\n' + '#'.repeat(Number(level)) + ' ')
    .replace(HTML_LIST_ITEM, '\n- ')
    .replace(HTML_LINE_BREAK, '\n')
    .replace(HTML_ROW_END, '\n')
    .replace(HTML_CELL_END, ' ')
    .replace(HTML_BLOCK, '\n\n')
    .replace(HTML_TAG, '');
  const text = tidyLines(decodeEntities(body));
  const titleText = title ? tidyLines(decodeEntities(title[1].replace(HTML_TAG, ''))) : '';
  return titleText && !text.includes(titleText) ? titleText + '\n\n' + text : text;
}

function decodeEntities(text) {
  return text.replace(HTML_ENTITY, (entity, name) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return Object.hasOwn(NAMED_ENTITIES, name) ? NAMED_ENTITIES[name] : entity;
  });
}

/** Trims each line, collapses spaces, and keeps at most one blank line in a row. */
function tidyLines(text) {
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t\f\v]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
`;
