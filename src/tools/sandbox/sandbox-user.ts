/** The unprivileged account tools run as when the server runs as root. */
export interface SandboxUser {
  uid: number;
  gid: number;
}

const NOBODY: SandboxUser = { uid: 65534, gid: 65534 };

/**
 * `nobody` when the server is root; otherwise null, and tools run as the server's own user, which
 * can read the server's files: isolation is then only the clean environment and the limits.
 */
export function sandboxUserFor(uid = process.getuid?.()): SandboxUser | null {
  return uid === 0 ? NOBODY : null;
}
