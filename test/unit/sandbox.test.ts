import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxClosedError, type SandboxJob, ToolSandbox, typescriptParameterOrder } from '../../src/tools/sandbox/index.js';

// Set before the sandbox exists: a tool must not see the server's environment.
process.env.MNEMO_SECRET_SENTINEL = 'server-secret';

const isRoot = process.getuid?.() === 0;
const cacheDir = mkdtempSync(join(tmpdir(), 'mnemo-sandbox-cache-'));
const sandbox = new ToolSandbox({ cacheDir, defaultTimeoutMs: 10_000 });

beforeAll(() => sandbox.warm());
afterAll(async () => {
  await sandbox.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

function python(sourceCode: string, functionName: string, extra: Partial<SandboxJob> = {}): SandboxJob {
  return { sourceType: 'python', sourceCode, functionName, args: {}, ...extra };
}

function typescript(sourceCode: string, functionName: string, extra: Partial<SandboxJob> = {}): SandboxJob {
  return { sourceType: 'typescript', sourceCode, functionName, args: {}, ...extra };
}

describe('ToolSandbox: Python', () => {
  it('passes the arguments as keywords and gives a dict back as JSON', async () => {
    const result = await sandbox.run(
      python('def add(a: int, b: int) -> dict:\n    return {"sum": a + b, "order": [a, b]}\n', 'add', { args: { b: 2, a: 1 } }),
    );
    expect(result).toMatchObject({ ok: true, stdout: [], stderr: [] });
    expect(JSON.parse(result.result)).toEqual({ sum: 3, order: [1, 2] });
  });

  it('gives a string back as is and other values as Letta does', async () => {
    const source = 'def pick(kind: str):\n    return {"text": "plain", "none": None, "list": [1, "a"], "number": 2.5}[kind]\n';
    const results = await Promise.all(['text', 'none', 'list', 'number'].map((kind) => sandbox.run(python(source, 'pick', { args: { kind } }))));
    expect(results.map((result) => result.result)).toEqual(['plain', 'None', "[1, 'a']", '2.5']);
  });

  it('reports an exception as "Type: message" with the traceback in stderr', async () => {
    const result = await sandbox.run(python('def check(value):\n    raise ValueError(f"bad value {value}")\n', 'check', { args: { value: 7 } }));
    expect(result.ok).toBe(false);
    expect(result.result).toBe('ValueError: bad value 7');
    expect(result.stderr.join('')).toContain('Traceback');
    expect(result.stderr.join('')).toContain('raise ValueError');
  });

  it('reports a syntax error and a missing function cleanly', async () => {
    const broken = await sandbox.run(python('def broken(:\n    pass\n', 'broken'));
    expect(broken.ok).toBe(false);
    expect(broken.result).toMatch(/^SyntaxError: /);
    const missing = await sandbox.run(python('def other():\n    return 1\n', 'wanted'));
    expect(missing).toMatchObject({ ok: false, result: expect.stringContaining("no function named 'wanted'") });
  });

  it('captures print() output', async () => {
    const result = await sandbox.run(python('import sys\ndef talk():\n    print("hello")\n    print("oops", file=sys.stderr)\n    return "done"\n', 'talk'));
    expect(result).toMatchObject({ ok: true, result: 'done', stdout: ['hello\n'], stderr: ['oops\n'] });
  });

  it('kills a tool at its timeout and keeps working', async () => {
    const result = await sandbox.run(python('def spin():\n    while True:\n        pass\n', 'spin', { timeoutMs: 500 }));
    expect(result.ok).toBe(false);
    expect(result.result).toBe('TimeoutError: spin timed out after 0.5 seconds');
    expect(result.durationMs).toBeLessThan(3_000);
    expect(await sandbox.run(python('def ping():\n    return "pong"\n', 'ping'))).toMatchObject({ ok: true, result: 'pong' });
  });

  it('fails a tool that allocates past its memory limit and keeps working', async () => {
    const result = await sandbox.run(python('def hog():\n    return len(bytearray(256 * 1024 * 1024))\n', 'hog', { memoryMb: 64 }));
    expect(result.ok).toBe(false);
    expect(result.result).toMatch(/^MemoryError/);
    expect(await sandbox.run(python('def ping():\n    return "pong"\n', 'ping', { memoryMb: 64 }))).toMatchObject({ ok: true, result: 'pong' });
  });

  it('reports a process that dies without a result', async () => {
    const result = await sandbox.run(python('import os\ndef leave():\n    print("bye")\n    os._exit(3)\n', 'leave'));
    expect(result).toMatchObject({ ok: false, result: 'leave stopped without returning a result (exit status 3)', stdout: ['bye\n'] });
  });

  it("shows the tool only the job's environment", async () => {
    const result = await sandbox.run(python('import os\ndef environment():\n    return dict(os.environ)\n', 'environment', { env: { API_KEY: 'agent-key' } }));
    const environment = JSON.parse(result.result) as Record<string, string>;
    expect(Object.keys(environment).sort()).toEqual(['API_KEY', 'HOME', 'LANG', 'PATH']);
    expect(environment.API_KEY).toBe('agent-key');
    expect(environment).not.toHaveProperty('MNEMO_SECRET_SENTINEL');
  });

  it.runIf(isRoot)("runs as nobody, unable to read the server user's files", async () => {
    const directory = mkdtempSync(join(tmpdir(), 'mnemo-private-'));
    const secret = join(directory, 'secret.txt');
    writeFileSync(secret, 'top secret');
    chmodSync(secret, 0o600);
    try {
      const result = await sandbox.run(
        python('import os\ndef peek(path):\n    print(os.getuid())\n    return open(path).read()\n', 'peek', { args: { path: secret } }),
      );
      expect(result.ok).toBe(false);
      expect(result.result).toMatch(/^PermissionError: /);
      expect(result.stdout).toEqual(['65534\n']);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('gives agent_state to a tool that asks for it', async () => {
    const source = [
      'def whoami(greeting: str, agent_state) -> str:',
      '    human = agent_state.memory.get_block("human").value',
      '    labels = ",".join(agent_state.memory.list_block_labels())',
      '    return f"{greeting} {agent_state.name} ({agent_state.id}): {human} [{labels}]"',
    ].join('\n');
    const agentState = {
      id: 'agent-1',
      name: 'Sam',
      memory: { blocks: [{ label: 'persona', value: 'helpful' }, { label: 'human', value: 'likes tea' }] },
    };
    const result = await sandbox.run(python(source, 'whoami', { args: { greeting: 'Hi' }, agentState }));
    expect(result).toMatchObject({ ok: true, result: 'Hi Sam (agent-1): likes tea [persona,human]' });
  });

  it('runs ten jobs at once, each with its own answer', async () => {
    const source = 'import time\ndef double(n: int) -> str:\n    time.sleep(0.05)\n    print(n)\n    return str(n * 2)\n';
    const results = await Promise.all(Array.from({ length: 10 }, (_, n) => sandbox.run(python(source, 'double', { args: { n } }))));
    expect(results.map((result) => [result.ok, result.result, result.stdout])).toEqual(
      Array.from({ length: 10 }, (_, n) => [true, String(n * 2), [`${n}\n`]]),
    );
  });

  it('fails the jobs of a host that dies, then starts a new one', async () => {
    const result = await sandbox.run(python('import os, signal\ndef kill_host():\n    os.kill(os.getppid(), signal.SIGKILL)\n', 'kill_host'));
    expect(result.ok).toBe(false);
    expect(result.result).toContain('the Python sandbox host exited (signal SIGKILL)');
    expect(await sandbox.run(python('def ping():\n    return "pong"\n', 'ping'))).toMatchObject({ ok: true, result: 'pong' });
  });

  it('fails clearly when pip requirements cannot be installed', async () => {
    const result = await sandbox.run(python('def ping():\n    return "pong"\n', 'ping', { pipRequirements: [{ name: 'requests', version: '2.31.0' }] }));
    expect(result.ok).toBe(false);
    expect(result.result).toMatch(/^Could not install pip requirements requests==2\.31\.0: .+/);
    const invalid = await sandbox.run(python('def ping():\n    return "pong"\n', 'ping', { pipRequirements: [{ name: '--index-url=http://x' }] }));
    expect(invalid.result).toBe('Could not install pip requirements --index-url=http://x: "--index-url=http://x" is not a Python package name');
  });
});

describe('ToolSandbox: TypeScript', () => {
  it('strips types and passes the arguments in the schema order', async () => {
    const source = `
interface Greeting { text: string; times: number }
export function greet(name: string, times: number = 1, punctuation?: string): Greeting {
  const parts: string[] = Array.from({ length: times }, () => name);
  return { text: parts.join(' ') + (punctuation ?? '.'), times };
}`;
    const order = typescriptParameterOrder({ properties: { name: {}, times: {}, punctuation: {} }, required: ['name'] });
    const result = await sandbox.run(typescript(source, 'greet', { args: { punctuation: '!', name: 'Ada' }, parameterOrder: order }));
    expect(result).toMatchObject({ ok: true });
    expect(JSON.parse(result.result)).toEqual({ text: 'Ada!', times: 1 });
    expect(result.result).toContain('\n  "text"');
  });

  it('calls an async function that is not exported and gives a string back as is', async () => {
    const result = await sandbox.run(typescript('async function shout(word: string): Promise<string> { return word.toUpperCase(); }', 'shout', { args: { word: 'hey' }, parameterOrder: ['word'] }));
    expect(result).toMatchObject({ ok: true, result: 'HEY' });
  });

  it('reports a thrown error as "Name: message"', async () => {
    const result = await sandbox.run(typescript('export function fail(): never { throw new TypeError("nope"); }', 'fail'));
    expect(result).toMatchObject({ ok: false, result: 'TypeError: nope' });
    expect(result.stderr.join('')).toContain('TypeError: nope');
  });

  it('reports a syntax error before running anything', async () => {
    const result = await sandbox.run(typescript('export function broken( { return 1 }', 'broken'));
    expect(result.ok).toBe(false);
    expect(result.result).toMatch(/^SyntaxError: .+\(line 1, column \d+\)$/);
  });

  it('captures console output', async () => {
    const result = await sandbox.run(typescript('export function talk() { console.log("hello", 1); console.error("oops"); return "done"; }', 'talk'));
    expect(result).toMatchObject({ ok: true, result: 'done', stdout: ['hello 1\n'], stderr: ['oops\n'] });
  });

  it('kills a tool at its timeout and keeps working', async () => {
    const result = await sandbox.run(typescript('export function spin() { for (;;) {} }', 'spin', { timeoutMs: 500 }));
    expect(result).toMatchObject({ ok: false, result: 'TimeoutError: spin timed out after 0.5 seconds' });
    expect(result.durationMs).toBeLessThan(3_000);
    expect(await sandbox.run(typescript('export const ping = () => "pong";', 'ping'))).toMatchObject({ ok: true, result: 'pong' });
  });

  it('fails a tool that fills its heap past the memory limit', async () => {
    const source = 'export function hog() { const kept: number[][] = []; for (;;) kept.push(new Array(100_000).fill(1)); }';
    const result = await sandbox.run(typescript(source, 'hog', { memoryMb: 32 }));
    expect(result.ok).toBe(false);
    expect(result.result).toContain('memory limit');
  });

  it("shows the tool only the job's environment", async () => {
    const result = await sandbox.run(typescript('export function environment() { return { ...process.env }; }', 'environment', { env: { API_KEY: 'agent-key' } }));
    const environment = JSON.parse(result.result) as Record<string, string>;
    expect(Object.keys(environment).sort()).toEqual(['API_KEY', 'HOME', 'LANG', 'PATH']);
    expect(environment.API_KEY).toBe('agent-key');
  });

  it('runs ten jobs at once, each with its own answer', async () => {
    const source = 'export async function double(n: number) { await new Promise((done) => setTimeout(done, 20)); return n * 2; }';
    const results = await Promise.all(Array.from({ length: 10 }, (_, n) => sandbox.run(typescript(source, 'double', { args: { n }, parameterOrder: ['n'] }))));
    expect(results.map((result) => result.result)).toEqual(Array.from({ length: 10 }, (_, n) => String(n * 2)));
  });

  it('runs jobs of different isolation keys in different processes', async () => {
    const source = 'export function pid() { return String(process.pid); }';
    const [a1, a2, b] = await Promise.all(
      ['agent-a', 'agent-a', 'agent-b'].map((isolationKey) => sandbox.run(typescript(source, 'pid', { isolationKey }))),
    );
    expect(a1!.ok && a2!.ok && b!.ok).toBe(true);
    expect(a1!.result).toBe(a2!.result);
    expect(b!.result).not.toBe(a1!.result);
  });

  it('fails the jobs of a host that dies, then starts a new one', async () => {
    const result = await sandbox.run(typescript("export function killHost() { process.kill(process.pid, 'SIGKILL'); }", 'killHost'));
    expect(result).toMatchObject({ ok: false, result: expect.stringContaining('the Node sandbox host exited (signal SIGKILL)') });
    expect(await sandbox.run(typescript('export const ping = () => "pong";', 'ping'))).toMatchObject({ ok: true, result: 'pong' });
  });

  it('installs npm requirements once and lets the tool import them', { timeout: 120_000 }, async () => {
    const source = "import isNumber from 'is-number';\nexport function check(value: unknown): boolean { return isNumber(value); }";
    const job = typescript(source, 'check', { args: { value: '42' }, parameterOrder: ['value'], npmRequirements: [{ name: 'is-number', version: '7.0.0' }] });
    const [first, second] = await Promise.all([sandbox.run(job), sandbox.run({ ...job, args: { value: 'x' } })]);
    expect(first).toMatchObject({ ok: true, result: 'true' });
    expect(second).toMatchObject({ ok: true, result: 'false' });
    expect(readdirSync(join(cacheDir, 'npm'))).toHaveLength(1);
    const again = await sandbox.run(job);
    expect(again).toMatchObject({ ok: true, result: 'true' });
    expect(again.durationMs).toBeLessThan(1_000);
  });
});

describe('ToolSandbox: close', () => {
  it('removes its directory and refuses jobs afterwards', async () => {
    const roots = () => readdirSync(tmpdir()).filter((name) => name.startsWith('mnemo-sandbox-') && !name.startsWith('mnemo-sandbox-cache-'));
    const before = roots();
    const own = new ToolSandbox({ cacheDir });
    expect(await own.run(python('def ping():\n    return "pong"\n', 'ping'))).toMatchObject({ ok: true });
    const created = roots().filter((name) => !before.includes(name));
    expect(created).toHaveLength(1);
    await own.close();
    expect(roots()).not.toContain(created[0]);
    await expect(own.run(python('def ping():\n    return "pong"\n', 'ping'))).rejects.toBeInstanceOf(SandboxClosedError);
  });
});
