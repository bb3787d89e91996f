export type FileKind = 'text' | 'markdown' | 'code' | 'json' | 'csv' | 'yaml' | 'xml' | 'html' | 'pdf' | 'docx';

export interface FileType {
  kind: FileKind;
  mimeType: string;
}

/**
 * The type a file's already-extracted text (an imported agent file's) is read as: PDF and docx
 * became plain text and HTML markdown-style text, chunked by the same rules as the original.
 */
export function extractedTextType(type: FileType | null): FileType {
  if (!type || type.kind === 'pdf' || type.kind === 'docx') return { kind: 'text', mimeType: 'text/plain' };
  if (type.kind === 'html') return { kind: 'markdown', mimeType: 'text/markdown' };
  return type;
}

const DOCX_MIME_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** Extension (lower case, no dot) → type. */
const BY_EXTENSION: Record<string, FileType> = {
  txt: { kind: 'text', mimeType: 'text/plain' },
  text: { kind: 'text', mimeType: 'text/plain' },
  log: { kind: 'text', mimeType: 'text/plain' },
  rst: { kind: 'text', mimeType: 'text/x-rst' },
  md: { kind: 'markdown', mimeType: 'text/markdown' },
  markdown: { kind: 'markdown', mimeType: 'text/markdown' },
  mdx: { kind: 'markdown', mimeType: 'text/markdown' },
  json: { kind: 'json', mimeType: 'application/json' },
  jsonl: { kind: 'json', mimeType: 'application/jsonl' },
  ndjson: { kind: 'json', mimeType: 'application/x-ndjson' },
  csv: { kind: 'csv', mimeType: 'text/csv' },
  tsv: { kind: 'csv', mimeType: 'text/tab-separated-values' },
  yaml: { kind: 'yaml', mimeType: 'application/yaml' },
  yml: { kind: 'yaml', mimeType: 'application/yaml' },
  xml: { kind: 'xml', mimeType: 'application/xml' },
  html: { kind: 'html', mimeType: 'text/html' },
  htm: { kind: 'html', mimeType: 'text/html' },
  pdf: { kind: 'pdf', mimeType: 'application/pdf' },
  docx: { kind: 'docx', mimeType: DOCX_MIME_TYPE },
  ...codeTypes({
    py: 'text/x-python',
    pyi: 'text/x-python',
    js: 'text/javascript',
    mjs: 'text/javascript',
    cjs: 'text/javascript',
    jsx: 'text/javascript',
    ts: 'text/x-typescript',
    mts: 'text/x-typescript',
    cts: 'text/x-typescript',
    tsx: 'text/x-typescript',
    java: 'text/x-java',
    kt: 'text/x-kotlin',
    kts: 'text/x-kotlin',
    scala: 'text/x-scala',
    go: 'text/x-go',
    rs: 'text/x-rust',
    c: 'text/x-c',
    h: 'text/x-c',
    cc: 'text/x-c++',
    cpp: 'text/x-c++',
    cxx: 'text/x-c++',
    hpp: 'text/x-c++',
    cs: 'text/x-csharp',
    swift: 'text/x-swift',
    rb: 'text/x-ruby',
    php: 'text/x-php',
    lua: 'text/x-lua',
    r: 'text/x-r',
    dart: 'text/x-dart',
    sh: 'text/x-shellscript',
    bash: 'text/x-shellscript',
    zsh: 'text/x-shellscript',
    sql: 'text/x-sql',
    css: 'text/css',
    scss: 'text/x-scss',
    toml: 'application/toml',
    ini: 'text/x-ini',
  }),
};

/** Declared content type (without parameters) → kind, for names without a known extension. */
const BY_MIME_TYPE: Record<string, FileKind> = {
  'text/plain': 'text',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'application/json': 'json',
  'application/jsonl': 'json',
  'application/x-ndjson': 'json',
  'text/csv': 'csv',
  'text/tab-separated-values': 'csv',
  'application/yaml': 'yaml',
  'application/x-yaml': 'yaml',
  'text/yaml': 'yaml',
  'text/x-yaml': 'yaml',
  'application/xml': 'xml',
  'text/xml': 'xml',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/pdf': 'pdf',
  [DOCX_MIME_TYPE]: 'docx',
  'text/javascript': 'code',
  'application/javascript': 'code',
  'application/typescript': 'code',
  'application/x-sh': 'code',
  'application/toml': 'code',
  'text/css': 'code',
};

function codeTypes(mimeTypes: Record<string, string>): Record<string, FileType> {
  return Object.fromEntries(Object.entries(mimeTypes).map(([extension, mimeType]) => [extension, { kind: 'code', mimeType }]));
}

function extensionOf(fileName: string): string | undefined {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : undefined;
}

function typeFromMimeType(declared: string): FileType | null {
  const mimeType = declared.split(';')[0].trim().toLowerCase();
  const kind = Object.hasOwn(BY_MIME_TYPE, mimeType) ? BY_MIME_TYPE[mimeType] : /^text\/x-[a-z0-9+#.-]+$/.test(mimeType) ? 'code' : undefined;
  return kind ? { kind, mimeType } : null;
}

/**
 * From the upload's file name (extension) and the declared content type; null = unsupported (the
 * route answers 415). A known extension wins, since clients often declare
 * `application/octet-stream`; the declared type decides for names without one.
 */
export function detectFileType(fileName: string, declaredMimeType?: string | null): FileType | null {
  const extension = extensionOf(fileName);
  if (extension !== undefined && Object.hasOwn(BY_EXTENSION, extension)) return BY_EXTENSION[extension];
  return declaredMimeType ? typeFromMimeType(declaredMimeType) : null;
}
