#!/usr/bin/env node
// Runs before the npm scripts that need the dependencies (`prebuild`, `pregen`, `pretypecheck`):
// after a failed `npm ci` they stop with the install instruction instead of `tsc: not found`.
import { fileURLToPath } from 'node:url';
import { missingDependencies, notInstalledMessage } from './installState.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
if (missingDependencies(root).length > 0) {
  console.error(notInstalledMessage(root));
  process.exit(2);
}
