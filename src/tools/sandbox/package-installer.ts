import type { PackageRequirement } from './sandbox-job.js';

/** What differs between npm and pip; the caching around them is RequirementCache's. */
export interface PackageInstaller {
  /** `npm` or `pip`: names the cache folder and the messages. */
  readonly kind: string;
  /**
   * The requirement as the installer's command line takes it. Throws for a name or version that
   * could be read as an option, a path or a URL, since installs run as the server user.
   */
  specOf(requirement: PackageRequirement): string;
  /** Installs into `directory`, which exists and is empty; throws with the reason on failure. */
  install(specs: string[], directory: string): Promise<void>;
}

export const INSTALL_TIMEOUT_MS = 300_000;
