/**
 * The offline model's worker, as source text run with `new Worker(source, { eval: true })`: tsc
 * does not copy plain `.js` files into `dist/`, and a `.ts` worker would not run under plain Node,
 * so the same string works from `src/` (tsx, vitest) and from `dist/`. An eval'd worker is
 * CommonJS, unless the parent ran with `--input-type=module` (workers inherit execArgv), so the
 * source uses neither `require` nor `import`: it takes its modules from `process.getBuiltinModule`
 * (Node ≥ 20.16) and loads the packages from the absolute paths in `workerData` (see use-lite.ts).
 *
 * Protocol: the parent sends `{ id, texts }` and gets back `{ id, dimension, vectors }`, the
 * vectors L2-normalised and laid end to end in one transferred Float32Array, or `{ id, error, stage }`
 * with `stage` `load` (the model could not be loaded) or `embed`.
 */
export const USE_LITE_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const requirePackage = process.getBuiltinModule('node:module').createRequire(workerData.embeddingsPath);

let loading;
function load() {
  loading ??= Promise.resolve().then(() => {
    const { initModel } = requirePackage(workerData.embeddingsPath);
    const { modelSource } = requirePackage(workerData.weightsPath);
    // Always with the bundled weights: initModel() without a source downloads them.
    return initModel(modelSource);
  });
  return loading;
}

// The tokenizer gives no tokens for a text that is empty after NFKC, and the model then returns
// one row fewer; a single space gives the model's vector for "nothing".
function nonEmpty(text) {
  return text.normalize('NFKC').length === 0 ? ' ' : text;
}

function packNormalised(rows) {
  const dimension = rows[0].length;
  const out = new Float32Array(rows.length * dimension);
  rows.forEach((row, index) => {
    let sum = 0;
    for (const value of row) sum += value * value;
    const norm = Math.sqrt(sum);
    const scale = norm > 0 && Math.abs(norm - 1) > 1e-6 ? 1 / norm : 1;
    for (let i = 0; i < dimension; i++) out[index * dimension + i] = row[i] * scale;
  });
  return { dimension, out };
}

parentPort.on('message', async ({ id, texts }) => {
  let model;
  try {
    model = await load();
  } catch (error) {
    loading = undefined;
    parentPort.postMessage({ id, stage: 'load', error: String((error && error.stack) || error) });
    return;
  }
  try {
    const rows = await model.embed(texts.map(nonEmpty));
    if (rows.length !== texts.length) throw new Error('the model returned ' + rows.length + ' vectors for ' + texts.length + ' texts');
    const { dimension, out } = packNormalised(rows);
    parentPort.postMessage({ id, dimension, vectors: out }, [out.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, stage: 'embed', error: String((error && error.stack) || error) });
  }
});
`;
