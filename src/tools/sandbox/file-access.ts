import { constants } from 'node:fs';
import { access, chmod, lstat, readdir, realpath, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Whether users other than the owner can execute the file or enter the directory at `path`: it and
 * every directory above it must have the others' x bit. Symlinks are followed first.
 */
export async function othersCanReach(path: string): Promise<boolean> {
  let target: string;
  try {
    target = await realpath(path);
  } catch {
    return false;
  }
  for (let current = target; ; current = dirname(current)) {
    if (((await stat(current)).mode & constants.S_IXOTH) === 0) return false;
    if (current === dirname(current)) return true;
  }
}

export async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * chmod a+rX over a tree, so that the sandbox user can read what the server user installed; set-id
 * bits are cleared, since the files belong to the server user.
 */
export async function makeReadableByAll(path: string): Promise<void> {
  const info = await lstat(path);
  if (info.isSymbolicLink()) return;
  const executable = info.isDirectory() || (info.mode & constants.S_IXUSR) !== 0;
  await chmod(path, (info.mode & 0o777) | 0o444 | (executable ? 0o111 : 0));
  if (!info.isDirectory()) return;
  for (const entry of await readdir(path)) await makeReadableByAll(join(path, entry));
}
