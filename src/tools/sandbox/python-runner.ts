import { HostProcess } from './host-process.js';
import { type HostReply, notStarted } from './host-reply.js';
import { findPython } from './interpreters.js';
import { errorMessage, HostedLanguageRunner, hostEnvironment, type LanguageHost, type RunLimits } from './language-runner.js';
import { pipInstaller } from './pip-installer.js';
import { PYTHON_ZYGOTE_SCRIPT } from './python-zygote-script.js';
import { RequirementCache } from './requirement-cache.js';
import type { SandboxJob } from './sandbox-job.js';
import type { SandboxRoot } from './sandbox-root.js';
import type { SandboxUser } from './sandbox-user.js';

/** Caps the processes of the sandbox user when a tool forks, against fork bombs. */
const MAX_PROCESSES = 512;

/** Python tools: one zygote (python-zygote-script.ts) that forks a child per job. */
export class PythonRunner extends HostedLanguageRunner {
  constructor(
    private readonly root: SandboxRoot,
    private readonly user: SandboxUser | null,
    private readonly options: { python?: string; cacheDir: string },
  ) {
    super('Python');
  }

  async run(id: string, job: SandboxJob, limits: RunLimits): Promise<HostReply> {
    const setup = await this.setUp();
    if (typeof setup === 'string') return notStarted(id, setup);
    let sysPath: string[] = [];
    if (job.pipRequirements?.length) {
      try {
        sysPath = [await setup.requirements.ensure(job.pipRequirements)];
      } catch (error) {
        return notStarted(id, errorMessage(error));
      }
    }
    return setup.host.request(
      {
        id,
        source: job.sourceCode,
        function: job.functionName,
        args: job.args,
        env: job.env ?? {},
        agent_state: job.agentState ?? null,
        timeout_ms: limits.timeoutMs,
        memory_mb: limits.memoryMb,
        sys_path: sysPath,
      },
      limits.timeoutMs,
    );
  }

  protected async prepare(): Promise<LanguageHost | string> {
    const python = await findPython(this.options.python, this.user);
    if (!python) return 'No Python interpreter the sandbox can run was found (looked for /usr/bin/python3 and /usr/local/bin/python3)';
    const script = await this.root.writeScript('python-zygote.py', PYTHON_ZYGOTE_SCRIPT);
    const home = await this.root.makeHome('python');
    const host = new HostProcess({
      label: 'Python',
      executable: python,
      args: ['-I', '-S', script, JSON.stringify({ max_processes: this.user ? MAX_PROCESSES : null })],
      cwd: home,
      env: hostEnvironment(home),
      user: this.user,
    });
    const stageDir = this.user ? await this.root.makeShared('requirements') : null;
    return { host, requirements: new RequirementCache(pipInstaller(python), this.options.cacheDir, stageDir) };
  }
}
