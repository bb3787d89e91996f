import { CHUNK_SOURCE } from './chunk-source.js';
import { EXTRACT_SOURCE } from './extract-source.js';

/**
 * The file worker, as source text run with `new Worker(source, { eval: true })`, the way the
 * offline embedder runs (src/embeddings/offline/worker-source.ts): the same string works from
 * `src/` (tsx, vitest) and from `dist/`. It takes its builtins from `process.getBuiltinModule`
 * and loads the parsers and the tokenizer from the absolute paths in `workerData`
 * (file-processor.ts).
 *
 * Protocol: once loaded, the worker sends `{ ready: true }`. The parent sends `{ id, bytes, kind, rules, chunkTokens, overlapTokens }` and gets back
 * `{ id, text, offsets }`, or `{ id, error, parse }` where `parse` is true when the content is at
 * fault (FileParseError) and false when the worker itself failed. `offsets` is a transferred
 * Uint32Array with a start and an end in `text` per chunk: the chunks cross to the parent as
 * slices of the text, not as copies.
 */
export const FILE_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const requirePackage = process.getBuiltinModule('node:module').createRequire(workerData.tokenizerPath);

const packages = {
  unpdf: once(() => requirePackage(workerData.unpdfPath)),
  mammoth: once(() => requirePackage(workerData.mammothPath)),
};

const tokenizer = (() => {
  const encoding = requirePackage(workerData.tokenizerPath);
  // Text that looks like a special token (<|endoftext|>) is counted as the plain text it is.
  const options = { disallowedSpecial: new Set() };
  return {
    encode: (text) => encoding.encode(text, options),
    decode: (tokens) => encoding.decode(tokens),
    count: (text) => encoding.countTokens(text, options),
    fits: (text, limit) => encoding.isWithinTokenLimit(text, limit, options) !== false,
  };
})();

function once(load) {
  let value;
  return () => (value ??= load());
}
` + EXTRACT_SOURCE + CHUNK_SOURCE + String.raw`
parentPort.on('message', async ({ id, bytes, kind, rules, chunkTokens, overlapTokens }) => {
  try {
    const text = await extractText(bytes, kind, packages);
    if (text.trim() === '') throw new FileParseFailure('the file has no text');
    const offsets = chunkText(text, rules, chunkTokens, overlapTokens, tokenizer);
    parentPort.postMessage({ id, text, offsets }, [offsets.buffer]);
  } catch (error) {
    const parse = error instanceof FileParseFailure;
    parentPort.postMessage({ id, parse, error: parse ? error.message : String((error && error.stack) || error) });
  }
});
parentPort.postMessage({ ready: true });
`;
