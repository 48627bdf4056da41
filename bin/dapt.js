#!/usr/bin/env node
// Runs the ahead-of-time build in dist/ (made by `npm ci` through `prepare`, or `npm run build`)
// when it was built from exactly the sources on disk; otherwise the TypeScript sources through
// tsx's loader, which works with no build at all but costs about two seconds of start-up, paid
// again by every stage process. A stale build never runs.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkBuild } from './_build-key.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const build = checkBuild(root);
if (build.fresh) {
  await import('../dist/cli/entry.js');
} else {
  // Only a person at a terminal is told: a log or a test's captured stderr stays unchanged.
  if (build.reason !== 'no build' && process.stderr.isTTY) {
    process.stderr.write(`dapt: running the sources through tsx, slower to start (${build.reason}); \`npm run build\` makes start-up fast again\n`);
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/entry.ts');
}
