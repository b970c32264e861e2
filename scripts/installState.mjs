// Whether this clone's dependencies are installed, and the one message that says how to fix it.
// Plain JavaScript with no imports beyond node: it must run when `npm ci` failed or never ran.
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Packages whose absence means `npm ci` did not complete (the CLI's and the build's first needs). */
const PROBES = ['commander', 'typescript'];

export function missingDependencies(root) {
  return PROBES.filter((name) => !existsSync(path.join(root, 'node_modules', name, 'package.json')));
}

/**
 * `detail` is the loader's message when dist/ exists but a module is still missing. The message
 * names the folder, because npm commands act on the nearest package.json above the working folder.
 */
export function notInstalledMessage(root, detail) {
  root = path.resolve(root);
  const missing = missingDependencies(root);
  if (missing.length > 0 || detail !== undefined) {
    return [
      `ablate is not installed in ${root}: ${missing.length > 0 ? `node_modules lacks ${missing.join(', ')}` : detail}.`,
      `Install it there first: cd ${JSON.stringify(root)} && npm ci   (see README.md, "Install"; npm ci also builds dist/).`,
    ].join('\n');
  }
  return `ablate is not built in ${root}: dist/ is missing.\nBuild it: cd ${JSON.stringify(root)} && npm run build   (npm ci does it too).`;
}
