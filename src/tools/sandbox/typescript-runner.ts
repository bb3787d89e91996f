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
export class TypeScriptRunner extends HostedLanguageRunner {
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
    return setup.host.request(
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
    const host = new HostProcess({
      label: 'Node',
      executable: node,
      args: [script, JSON.stringify({ default_memory_mb: this.options.defaultMemoryMb })],
      cwd: home,
      env: hostEnvironment(home),
      user: this.user,
    });
    const stageDir = this.user ? await this.root.makeShared('requirements') : null;
    return { host, requirements: new RequirementCache(npmInstaller, this.options.cacheDir, stageDir) };
  }
}
