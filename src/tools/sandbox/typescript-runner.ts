import { join } from 'node:path';
import { HostProcess } from './host-process.js';
import { type HostReply, notStarted } from './host-reply.js';
import { findNode } from './interpreters.js';
import { errorMessage, HostedLanguageRunner, hostEnvironment, type LanguageHost, type RunLimits } from './language-runner.js';
import { NODE_HOST_SCRIPT } from './node-host-script.js';
import { npmInstaller } from './npm-installer.js';
import { RequirementCache } from './requirement-cache.js';
import type { SandboxJob } from './sandbox-job.js';
import type { SandboxRoot } from './sandbox-root.js';
import type { SandboxUser } from './sandbox-user.js';
import { positionalArguments, transpileTypeScriptTool } from './typescript-transpiler.js';

/**
 * TypeScript tools: transpiled here with esbuild, run by one Node host (node-host-script.ts) in a
 * worker thread per job, called with positional arguments as Letta does.
 */
/** Node hosts kept at once (one per isolation key); the least recently used idle one goes first. */
const MAX_HOSTS = 4;
/** A host nobody used for this long is stopped. */
const IDLE_MS = 60_000;

interface KeyedHost {
  host: HostProcess;
  lastUsed: number;
}

export class TypeScriptRunner extends HostedLanguageRunner {
  /** Worker threads share their host's memory, so jobs of different isolation keys get different hosts. */
  private readonly hosts = new Map<string, KeyedHost>();
  private newHost?: () => HostProcess;
  private readonly sweeper = setInterval(() => void this.stopIdleHosts(Date.now() - IDLE_MS), IDLE_MS / 4).unref();

  constructor(
    private readonly root: SandboxRoot,
    private readonly user: SandboxUser | null,
    private readonly options: { node?: string; cacheDir: string; defaultMemoryMb: number },
  ) {
    super('TypeScript');
  }

  async run(id: string, job: SandboxJob, limits: RunLimits): Promise<HostReply> {
    const setup = await this.setUp();
    if (typeof setup === 'string') return notStarted(id, setup);
    let code: string;
    let requireFrom: string | null = null;
    try {
      code = await transpileTypeScriptTool(job.sourceCode);
      if (job.npmRequirements?.length) {
        // createRequire wants a file path; packages then resolve from the directory's node_modules.
        requireFrom = join(await setup.requirements.ensure(job.npmRequirements), 'tool.js');
      }
    } catch (error) {
      return notStarted(id, errorMessage(error));
    }
    const args = positionalArguments(job.args, job.parameterOrder);
    return this.hostFor(job.isolationKey, setup.host).request(
      {
        id,
        code,
        function: job.functionName,
        args,
        // JSON has no undefined: these places are restored as undefined by the host.
        omitted: args.flatMap((value, index) => (value === undefined ? [index] : [])),
        env: job.env ?? {},
        timeout_ms: limits.timeoutMs,
        memory_mb: limits.memoryMb,
        require_from: requireFrom,
      },
      limits.timeoutMs,
    );
  }

  protected async prepare(): Promise<LanguageHost | string> {
    const node = await findNode(this.options.node, this.user);
    if (!node) return 'No Node.js the sandbox can run was found (looked for the server\'s own and /usr/bin/node)';
    const script = await this.root.writeScript('node-host.cjs', NODE_HOST_SCRIPT);
    const home = await this.root.makeHome('node');
    this.newHost = () =>
      new HostProcess({
        label: 'Node',
        executable: node,
        args: [script, JSON.stringify({ default_memory_mb: this.options.defaultMemoryMb })],
        cwd: home,
        env: hostEnvironment(home),
        user: this.user,
      });
    const stageDir = this.user ? await this.root.makeShared('requirements') : null;
    return { host: this.newHost(), requirements: new RequirementCache(npmInstaller, this.options.cacheDir, stageDir) };
  }

  override async close(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([super.close(), ...[...this.hosts.values()].map(({ host }) => host.close())]);
    this.hosts.clear();
  }

  /** The host of an isolation key (jobs without one use the shared host), started on demand. */
  private hostFor(key: string | undefined, shared: HostProcess): HostProcess {
    if (key === undefined || !this.newHost) return shared;
    let entry = this.hosts.get(key);
    if (!entry) {
      if (this.hosts.size >= MAX_HOSTS) {
        const idle = [...this.hosts].filter(([, candidate]) => !candidate.host.busy).sort(([, a], [, b]) => a.lastUsed - b.lastUsed)[0];
        if (idle) {
          this.hosts.delete(idle[0]);
          void idle[1].host.close();
        }
      }
      entry = { host: this.newHost(), lastUsed: 0 };
      this.hosts.set(key, entry);
    }
    entry.lastUsed = Date.now();
    return entry.host;
  }

  private async stopIdleHosts(before: number): Promise<void> {
    for (const [key, entry] of this.hosts) {
      if (entry.lastUsed < before && !entry.host.busy) {
        this.hosts.delete(key);
        await entry.host.close();
      }
    }
  }
}
