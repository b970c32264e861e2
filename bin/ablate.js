#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
import('../dist/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  console.error(err?.code === 'ERR_MODULE_NOT_FOUND' ? 'ablate: dist/ is missing; run `npm run build` (npm ci does it).' : err);
  process.exitCode = 1;
});
