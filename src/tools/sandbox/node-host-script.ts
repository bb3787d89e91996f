/**
 * The Node host for TypeScript tools, run as `node node-host.cjs '<config JSON>'`.
 *
 * Each job runs in a worker thread of its own, with V8 heap limits from the job's memory limit,
 * its own `process.env` (the host's clean environment plus the job's variables) and its console
 * output captured; the host terminates the worker at the timeout. Starting a worker costs more
 * than the whole call should, so the host keeps idle workers ready for recent memory limits.
 * Protocol as the Python zygote's: JSON jobs in, JSON replies out, one per line (host-reply.ts).
 *
 * A job: {id, code, function, args, omitted, env, timeout_ms, memory_mb, require_from}. `code` is
 * CommonJS (transpiled by the server); the function is found by name among the module's top-level
 * declarations or its exports, and called with `args` as positional parameters, `undefined` at the
 * `omitted` places. The tool's `require` resolves packages from `require_from` (a file path in the
 * directory of the job's installed npm packages), or else only Node's builtins. Workers cannot
 * chdir: every TypeScript tool's cwd is the host's home.
 */
export const NODE_HOST_SCRIPT = String.raw`'use strict';
const { Worker, isMainThread, parentPort } = require('node:worker_threads');

const OUTPUT_LIMIT = 1 << 20;
// Idle workers kept per memory limit, for the most recently used limits. A worker takes ~50 ms to
// boot here, so calls in quick succession need more than one booted ahead; topping up after each
// reply rather than at once leaves the CPU to the call in progress.
const SPARES_PER_LIMIT = 3;
const SPARE_LIMITS_KEPT = 2;
// A worker's output streams end as it exits; this only bounds a wait that should never be long.
const STREAM_END_WAIT_MS = 200;

if (isMainThread) runHost();
else parentPort.once('message', runTool);

function runHost() {
  const readline = require('node:readline');
  const config = JSON.parse(process.argv[2] || '{}');
  const spares = new Map(); // memory limit (MB) -> workers started ahead of their jobs, oldest first

  function send(message) {
    process.stdout.write(JSON.stringify(message) + '\n');
  }

  function startTool(memoryMb) {
    const worker = new Worker(__filename, {
      env: { ...process.env },
      stdout: true,
      stderr: true,
      resourceLimits: {
        maxOldGenerationSizeMb: memoryMb,
        maxYoungGenerationSizeMb: Math.max(2, Math.min(32, Math.floor(memoryMb / 8))),
        stackSizeMb: 4,
      },
    });
    const tool = { worker, failure: null, stdout: capture(worker.stdout), stderr: capture(worker.stderr) };
    worker.on('error', (error) => { tool.failure = tool.failure || error; });
    tool.exited = new Promise((resolve) => worker.once('exit', resolve));
    tool.streamsEnded = Promise.all([ended(worker.stdout), ended(worker.stderr)]);
    tool.exited.then(() => {
      const kept = spares.get(memoryMb);
      if (kept && kept.includes(tool)) kept.splice(kept.indexOf(tool), 1);
    });
    return tool;
  }

  function takeTool(memoryMb) {
    const spare = spares.get(memoryMb)?.shift();
    return spare || startTool(memoryMb);
  }

  function keepSpares(memoryMb) {
    const kept = spares.get(memoryMb) || [];
    spares.delete(memoryMb);
    spares.set(memoryMb, kept); // the most recently used limit goes last
    while (kept.length < SPARES_PER_LIMIT) kept.push(startTool(memoryMb));
    for (const [limit, tools] of spares) {
      if (spares.size <= SPARE_LIMITS_KEPT) break;
      spares.delete(limit);
      for (const tool of tools) tool.worker.terminate();
    }
  }

  async function runJob(job) {
    const tool = takeTool(job.memory_mb);
    let reply = null;
    let timedOut = false;
    tool.worker.on('message', (message) => { reply = message; });
    const timer = setTimeout(() => { timedOut = true; tool.worker.terminate(); }, job.timeout_ms);
    tool.worker.postMessage(job);
    const exitCode = await tool.exited;
    clearTimeout(timer);
    await Promise.race([tool.streamsEnded, new Promise((resolve) => setTimeout(resolve, STREAM_END_WAIT_MS))]);
    let stderr = tool.stderr.text();
    if (reply && tool.failure) stderr += describeError(tool.failure) + '\n';
    if (!reply) {
      reply = timedOut
        ? { outcome: 'timed-out', result: '' }
        : { outcome: 'crashed', result: tool.failure ? describeError(tool.failure) : 'exit code ' + exitCode };
    }
    send({ id: job.id, outcome: reply.outcome, result: reply.result, stdout: tool.stdout.text(), stderr });
    setImmediate(() => keepSpares(job.memory_mb));
  }

  readline.createInterface({ input: process.stdin })
    .on('line', (line) => {
      let job;
      try {
        job = JSON.parse(line);
      } catch {
        return;
      }
      runJob(job).catch((error) => send({ id: job.id, outcome: 'crashed', result: describeError(error), stdout: '', stderr: '' }));
    })
    .on('close', () => process.exit(0));

  if (config.default_memory_mb) keepSpares(config.default_memory_mb);
  send({ ready: true });
}

async function runTool(job) {
  let reply;
  try {
    reply = { outcome: 'returned', result: asText(await callTool(job)) };
  } catch (error) {
    console.error(error);
    reply = { outcome: 'raised', result: describeError(error) };
  }
  parentPort.postMessage(reply);
  process.exit(0); // a timer or socket the tool left open must not keep the worker alive
}

function callTool(job) {
  const path = require('node:path');
  const vm = require('node:vm');
  const { createRequire } = require('node:module');
  Object.assign(process.env, job.env);
  const filename = path.join(process.cwd(), job.function + '.js');
  const module = { exports: {} };
  const byName = /^[A-Za-z_$][\w$]*$/.test(job.function)
    ? 'typeof ' + job.function + " === 'function' ? " + job.function + ' : '
    : '';
  const body = job.code + '\n;return ' + byName + 'module.exports[' + JSON.stringify(job.function) + '];';
  const load = vm.compileFunction(body, ['exports', 'require', 'module', '__filename', '__dirname'], { filename });
  const toolRequire = createRequire(job.require_from || filename);
  const fn = load.call(module.exports, module.exports, toolRequire, module, filename, path.dirname(filename));
  if (typeof fn !== 'function') {
    throw new ReferenceError("the tool's source code defines no function named '" + job.function + "'");
  }
  const args = job.args.slice();
  for (const index of job.omitted || []) args[index] = undefined;
  return fn(...args);
}

// The return value as the model sees it, following Letta: a string as is, nothing as "None", a plain
// object as JSON with an indent of 2, anything else as JSON (or String() when JSON has no form for it).
function asText(value) {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return 'None';
  try {
    const prototype = Object.getPrototypeOf(value);
    const plain = typeof value === 'object' && (prototype === Object.prototype || prototype === null);
    const json = plain ? JSON.stringify(value, null, 2) : JSON.stringify(value);
    return json === undefined ? String(value) : json;
  } catch {
    return String(value);
  }
}

function describeError(error) {
  if (error && typeof error === 'object' && 'message' in error) return (error.name || 'Error') + ': ' + error.message;
  return 'Error: ' + String(error);
}

function capture(stream) {
  let text = '';
  let truncated = false;
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    if (text.length < OUTPUT_LIMIT) text += chunk;
    else truncated = true;
  });
  return { text: () => (truncated || text.length > OUTPUT_LIMIT ? text.slice(0, OUTPUT_LIMIT) + '\n[output truncated]' : text) };
}

function ended(stream) {
  return new Promise((resolve) => {
    if (stream.readableEnded || stream.destroyed) return resolve();
    stream.once('end', resolve);
    stream.once('close', resolve);
  });
}
`;
