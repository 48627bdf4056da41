// `npm run build` (and `prepare`, so `npm ci` builds too): compiles src/ to dist/ with tsc and
// records the key of the sources it was built from (see _build-key.js), so bin/dapt.js starts
// in milliseconds instead of transpiling at every start. `--optional` (the install hook) never
// fails the install: without a build dapt runs from the sources, only slower to start.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUILD_KEY_FILE, currentBuildKey } from './_build-key.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const optional = process.argv.includes('--optional');
const dist = join(root, 'dist');

function giveUp(why) {
  console.log(`dapt: not built (${why}); dapt runs from the sources, slower to start`);
  process.exit(optional ? 0 : 1);
}

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  // an install without dev dependencies
  giveUp('typescript is not installed');
}
// The key is taken before compiling: a source edited during the build makes the build look
// stale (and unused), never the other way round. No key on disk until the build is complete.
const key = currentBuildKey(root);
rmSync(dist, { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) giveUp(`tsc exited with ${result.status ?? result.signal}`);
// `dapt --help` reads the command summaries from here instead of importing every command.
const { loadAllCommands, SUMMARIES_FILE } = await import(pathToFileURL(join(dist, 'cli', 'commands', 'index.js')).href);
const summaries = (await loadAllCommands()).map(({ name, summary }) => ({ name, summary }));
writeFileSync(join(dist, 'cli', 'commands', SUMMARIES_FILE), JSON.stringify(summaries));
// The experiment validator as code, so no command compiles the schema at start-up.
const { writePrecompiledValidator } = await import(pathToFileURL(join(dist, 'config', 'schema-build.js')).href);
writePrecompiledValidator(join(dist, 'config'));
writeFileSync(join(dist, BUILD_KEY_FILE), JSON.stringify(key));
console.log('dapt: built dist/');
