/**
 * The multi-threaded (XNNPACK thread pool) build of the wasm backend, which the package disables
 * in Node: its pthread workers are started from `blob:` URLs that Node's worker_threads cannot
 * load. Here the build is instantiated with its worker script written to a file. This relies on
 * package internals, which setUpWasm's version gate (tfjs-version.ts) checks before calling here.
 */
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_INTERNALS_VERSION } from './tfjs-version.ts';

const require = createRequire(import.meta.url);

interface ThreadedModule {
  cwrap(name: string, ret: string | null, args: string[]): (...args: unknown[]) => unknown;
  PThread: { runningWorkers: Array<{ unref(): void }>; unusedWorkers: Array<{ unref(): void }> };
  tfjs?: unknown;
}

/** Worker script on disk (the package ships it as a string meant for a blob: URL). */
function workerFile(pkgDir: string): string {
  const { wasmWorkerContents } = require(join(pkgDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  // as the package does before making its blob: keep "\n" escapes inside string literals
  const contents = wasmWorkerContents.replace(/\n/g, '\\n');
  const dir = join(tmpdir(), `dapt-tfjs-wasm-${TFJS_INTERNALS_VERSION}`);
  const file = join(dir, 'threaded-simd.worker.cjs');
  if (existsSync(file) && readFileSync(file, 'utf8') === contents) return file;
  mkdirSync(dir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, file);
  return file;
}

/**
 * Replaces the `wasm` backend registration with the threaded build using `threads` threads.
 * Returns null on success, else why it is not used (and nothing was changed).
 */
export async function useThreadedWasm(threads: number): Promise<string | null> {
  const pkgDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  if (typeof SharedArrayBuffer === 'undefined') return 'this Node has no SharedArrayBuffer, so the wasm backend runs single-threaded';
  const factoryPath = join(pkgDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  const factory = require(factoryPath) as (config: Record<string, unknown>) => Promise<ThreadedModule>;
  const wasmPkg = await import('@tensorflow/tfjs-backend-wasm');
  const os = require('node:os') as { cpus: () => unknown[] };
  const cpus = os.cpus;
  let module: ThreadedModule;
  try {
    const worker = workerFile(pkgDir);
    // The build caps its pool at (logical cores / 2), read from os.cpus() while it initialises,
    // assuming two hyper-threads per core; report twice the cores so the cap is the core count.
    os.cpus = () => [...cpus(), ...cpus()];
    module = await factory({
      locateFile: (path: string) => (path.endsWith('.worker.js') ? worker : join(pkgDir, 'wasm-out', path)),
      mainScriptUrlOrBlob: factoryPath,
    });
  } catch (e) {
    return `the multi-threaded wasm build failed to load (${e instanceof Error ? e.message : String(e)})`;
  } finally {
    os.cpus = cpus;
  }
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  wasmPkg.setThreadsCount(threads);
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => new wasmPkg.BackendWasm(module as never), 2);
  return null;
}

/** Lets the process exit while the pool's workers idle (they are ref'd while running). */
export function releaseWorkers(): void {
  const module = (tf.findBackend('wasm') as unknown as { wasm?: ThreadedModule } | null)?.wasm;
  for (const w of [...(module?.PThread?.runningWorkers ?? []), ...(module?.PThread?.unusedWorkers ?? [])]) w.unref();
}
