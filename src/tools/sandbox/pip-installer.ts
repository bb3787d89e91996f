import { INSTALL_TIMEOUT_MS, type PackageInstaller } from './package-installer.js';
import { lastLine, runCommand } from './run-command.js';

const NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?(\[[A-Za-z0-9._,-]+\])?$/;
const VERSION = /^[A-Za-z0-9.*+!_-]+$/;

/**
 * `python -m pip install --target <dir>` with the sandbox's own Python, so that wheels match it.
 * Only wheels are taken: building a source distribution would run its code as the server user.
 */
export function pipInstaller(python: string): PackageInstaller {
  return {
    kind: 'pip',

    specOf({ name, version }) {
      if (!NAME.test(name)) throw new Error(`"${name}" is not a Python package name`);
      if (!version) return name;
      if (!VERSION.test(version)) throw new Error(`"${version}" is not a version of ${name}`);
      return `${name}==${version}`;
    },

    async install(specs, directory) {
      const output = await runCommand(
        python,
        ['-m', 'pip', 'install', '--target', directory, '--no-input', '--disable-pip-version-check', '--only-binary=:all:', '--retries', '1', '--timeout', '15', ...specs],
        INSTALL_TIMEOUT_MS,
      );
      if (output.code !== 0) throw new Error(lastLine(output));
    },
  };
}
