import { createHash, randomUUID } from 'node:crypto';
import { cp, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { makeReadableByAll } from './file-access.js';
import type { PackageInstaller } from './package-installer.js';
import type { PackageRequirement } from './sandbox-job.js';

/** A failed install is retried after this long rather than on every call. */
const FAILURE_KEPT_MS = 60_000;

export class RequirementInstallError extends Error {}

/**
 * Installs each distinct set of requirements once, into `<cacheDir>/<kind>/<sha256 of the sorted
 * set>/`, kept across restarts. Concurrent jobs with one set share one install. When tools run as
 * another user, each set is also copied once into `stageDir`, which that user can read even when
 * the cache sits under the server's home, and through which it cannot reach the cache itself.
 */
export class RequirementCache {
  private readonly installs = new Map<string, { directory: Promise<string>; failedAt?: number }>();

  constructor(
    private readonly installer: PackageInstaller,
    private readonly cacheDir: string,
    private readonly stageDir: string | null,
  ) {}

  /** The directory holding the installed set; rejects with a RequirementInstallError. */
  ensure(requirements: PackageRequirement[]): Promise<string> {
    let specs: string[];
    try {
      specs = [...new Set(requirements.map((requirement) => this.installer.specOf(requirement)))].sort();
    } catch (error) {
      return Promise.reject(this.failure(requirements.map((requirement) => requirement.name), error));
    }
    const key = createHash('sha256').update(specs.join('\n')).digest('hex');
    const known = this.installs.get(key);
    if (known && (known.failedAt === undefined || Date.now() - known.failedAt < FAILURE_KEPT_MS)) return known.directory;

    const entry: { directory: Promise<string>; failedAt?: number } = {
      directory: this.install(specs, key).catch((error: unknown) => {
        entry.failedAt = Date.now();
        throw this.failure(specs, error);
      }),
    };
    this.installs.set(key, entry);
    return entry.directory;
  }

  private async install(specs: string[], key: string): Promise<string> {
    const directory = join(this.cacheDir, this.installer.kind, key);
    if (!(await exists(directory))) {
      // Installed aside and renamed into place, so that a half-done install is never taken as done.
      const partial = `${directory}.partial-${randomUUID()}`;
      await mkdir(partial, { recursive: true });
      try {
        await this.installer.install(specs, partial);
        await rename(partial, directory).catch(async (error: unknown) => {
          if (!(await exists(directory))) throw error;
        });
      } finally {
        await rm(partial, { recursive: true, force: true });
      }
    }
    if (this.stageDir === null) return directory;
    const staged = join(this.stageDir, `${this.installer.kind}-${key}`);
    await cp(directory, staged, { recursive: true, verbatimSymlinks: true });
    await makeReadableByAll(staged);
    return staged;
  }

  private failure(requirements: string[], error: unknown): RequirementInstallError {
    const reason = error instanceof Error ? error.message : String(error);
    return new RequirementInstallError(`Could not install ${this.installer.kind} requirements ${requirements.join(', ')}: ${reason}`);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
