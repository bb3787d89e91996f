import { INSTALL_TIMEOUT_MS, type PackageInstaller } from './package-installer.js';
import { type CommandOutput, lastLine, runCommand } from './run-command.js';

const NAME = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i;
/** Versions, ranges and tags; no `:` or `/`, which would make it a path, URL or git spec. */
const VERSION = /^[\w.^~<>=|*+ -]+$/;

/**
 * `npm install --prefix <dir>`, so that packages land in `<dir>/node_modules`. Install scripts
 * are not run: they would run as the server user.
 */
export const npmInstaller: PackageInstaller = {
  kind: 'npm',

  specOf({ name, version }) {
    if (!NAME.test(name)) throw new Error(`"${name}" is not an npm package name`);
    if (!version) return name;
    if (!VERSION.test(version)) throw new Error(`"${version}" is not a version or range of ${name}`);
    return `${name}@${version}`;
  },

  async install(specs, directory) {
    const output = await runCommand(
      'npm',
      ['install', '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', '--prefix', directory, ...specs],
      INSTALL_TIMEOUT_MS,
    );
    if (output.code !== 0) throw new Error(npmReason(output));
  },
};

function npmReason(output: CommandOutput): string {
  const errors = output.stderr
    .split('\n')
    .filter((line) => /^npm (error|ERR!)/.test(line) && !line.includes('A complete log'))
    .map((line) => line.replace(/^npm (error|ERR!)\s*/, '').trim())
    .filter(Boolean);
  return errors.length > 0 ? errors.slice(0, 3).join('; ') : lastLine(output);
}
