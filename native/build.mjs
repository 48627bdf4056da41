// Builds dapt's optional native kernels with node-gyp, twice (binding.gyp): dapt_native.node for
// a portable x86-64-v2 baseline that every cluster node runs, and dapt_native_avx2.node, which
// src/train/kernels/native/load.ts loads instead only on a CPU with AVX2 and FMA. So an addon built
// on a login node never dies with SIGILL on an older compute node.
// `--optional` (the npm install hook) never fails the install: without a C toolchain dapt runs
// on plain wasm and says so. OpenBLAS is not needed to build; it is loaded at run time if present.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const optional = process.argv.includes('--optional');
const logFile = join(here, 'build', 'build.log');

if (process.env.DAPT_SKIP_NATIVE_BUILD === '1') {
  console.log('dapt: native kernels not built (DAPT_SKIP_NATIVE_BUILD=1)');
  process.exit(0);
}

/** node-gyp as npm runs it for install scripts, else the copy bundled with npm, else PATH. */
function nodeGyp() {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return [process.execPath, process.env.npm_config_node_gyp];
  const bundled = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(bundled)) return [process.execPath, bundled];
  return ['node-gyp'];
}

// Use this Node's own headers when they are installed, so no download is needed.
const prefix = join(dirname(process.execPath), '..');
const nodedir = existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
const [cmd, ...pre] = nodeGyp();
const result = spawnSync(cmd, [...pre, 'rebuild', '--release', ...nodedir], { cwd: here, encoding: 'utf8' });
const ok = result.status === 0 && existsSync(join(here, 'build', 'Release', 'dapt_native.node'));
mkdirSync(join(here, 'build'), { recursive: true });
writeFileSync(logFile, `${result.stdout ?? ''}\n${result.stderr ?? ''}\n${result.error ?? ''}`);
if (ok) {
  console.log('dapt: native kernels built');
} else {
  console.log(`dapt: native kernels could not be built (needs a C compiler, make and python3; log: ${logFile}); dapt will train on plain wasm, several times slower`);
  if (!optional) process.exit(1);
}
