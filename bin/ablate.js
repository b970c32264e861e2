#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm ci` through the prepare script). This file runs
// only from the project's own install: the README calls it by path, never through npx, which could
// fetch and execute an unrelated registry package of the same name.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
import('../dist/cli/main.js').then((m) => m.main(process.argv)).catch(async (err) => {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
  const { notInstalledMessage } = await import('../scripts/installState.mjs');
  console.error(notInstalledMessage(root, existsSync(new URL('../dist/cli/main.js', import.meta.url)) ? String(err.message) : undefined));
  process.exitCode = 2;
}).catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
