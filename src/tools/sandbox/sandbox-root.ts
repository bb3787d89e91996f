import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { othersCanReach } from './file-access.js';
import type { SandboxUser } from './sandbox-user.js';

/**
 * The sandbox's own temporary directory: runner scripts, each host's home, staged packages.
 * It belongs to the server user and others may only pass through it, so a tool (running as the
 * sandbox user) can write in its host's home but cannot replace the runner scripts.
 */
export class SandboxRoot {
  private constructor(
    readonly path: string,
    private readonly user: SandboxUser | null,
  ) {}

  static async create(user: SandboxUser | null): Promise<SandboxRoot> {
    const parent = user === null || (await othersCanReach(tmpdir())) ? tmpdir() : '/tmp';
    const path = await mkdtemp(join(parent, 'mnemo-sandbox-'));
    await chmod(path, 0o711);
    return new SandboxRoot(path, user);
  }

  /** A script the sandbox user can read but not change. */
  async writeScript(name: string, source: string): Promise<string> {
    const path = join(this.path, name);
    await writeFile(path, source, { mode: 0o644 });
    await chmod(path, 0o644);
    return path;
  }

  /** A directory owned by the sandbox user: a host's cwd and HOME. */
  async makeHome(name: string): Promise<string> {
    const path = join(this.path, name);
    await mkdir(path, { mode: 0o700 });
    if (this.user) await chown(path, this.user.uid, this.user.gid);
    return path;
  }

  /** A directory the sandbox user can read but not change, for staged packages. */
  async makeShared(name: string): Promise<string> {
    const path = join(this.path, name);
    await mkdir(path, { recursive: true, mode: 0o711 });
    return path;
  }

  remove(): Promise<void> {
    return rm(this.path, { recursive: true, force: true });
  }
}
