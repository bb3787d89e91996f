import { isExecutable, othersCanReach } from './file-access.js';
import type { SandboxUser } from './sandbox-user.js';

const PYTHON_CANDIDATES = ['/usr/bin/python3', '/usr/local/bin/python3'];
const SYSTEM_NODE = '/usr/bin/node';

async function usable(path: string, user: SandboxUser | null): Promise<boolean> {
  return (await isExecutable(path)) && (user === null || (await othersCanReach(path)));
}

/** The first system Python the sandbox user can run (a pyenv under /root is not one of them). */
export async function findPython(preferred: string | undefined, user: SandboxUser | null): Promise<string | null> {
  for (const candidate of preferred ? [preferred] : PYTHON_CANDIDATES) {
    if (await usable(candidate, user)) return candidate;
  }
  return null;
}

export async function findNode(preferred: string | undefined, user: SandboxUser | null): Promise<string | null> {
  for (const candidate of preferred ? [preferred] : [process.execPath, SYSTEM_NODE]) {
    if (await usable(candidate, user)) return candidate;
  }
  return null;
}
