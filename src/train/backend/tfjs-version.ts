/**
 * The one version gate for the TF.js internals the trainer relies on, none of which any semver
 * promise covers:
 * - the wasm backend's heap: `HEAPU8`, `dataIdMap`'s `memoryOffset`, `typedArrayFromHeap`,
 *   `makeOutput` (kernels/wasm-heap.ts, read and written in place by the native kernels);
 * - its `_malloc` export and Emscripten's `asm.malloc` (wasm-heap-guard.ts);
 * - the threaded build's factory, PThread pool, worker script and cwrap'd exports (wasm-threads.ts);
 * - the process handlers Emscripten installs (wasm.ts removes them);
 * - the stock kernels dapt replaces or wraps (GatherV2, Transpose, BatchMatMul's XNNPACK export
 *   and its C signature, UnsortedSegmentSum; kernels/register-wasm.ts, xnnpack-matmul.ts).
 * All were written against one release, so each package that owns one must be that release.
 */
import { version_core } from '@tensorflow/tfjs-core';
import { DaptError } from '../../errors.ts';

/** The release every internal above was written and tested against (package.json pins it). */
export const TFJS_INTERNALS_VERSION = '4.22.0';

/** Which release of each package that owns an internal is loaded, by package name. */
export async function loadedTfjsVersions(): Promise<Record<string, string>> {
  const { version_wasm } = await import('@tensorflow/tfjs-backend-wasm');
  return { '@tensorflow/tfjs-core': version_core, '@tensorflow/tfjs-backend-wasm': version_wasm };
}

/** Null when every package is the expected release, else the error saying what was found. */
export function tfjsVersionError(found: Record<string, string>, expected = TFJS_INTERNALS_VERSION): DaptError | null {
  const wrong = Object.entries(found).filter(([, v]) => v !== expected);
  if (wrong.length === 0) return null;
  const list = wrong.map(([name, v]) => `${name} ${v}`).join(', ');
  return new DaptError(
    'DAPT_BACKEND_UNAVAILABLE',
    `dapt's wasm training path uses TF.js internals written for ${expected}, but found ${list}; install the versions package.json pins (npm ci), or use --backend cpu`,
    { detail: { expected, found } },
  );
}

/** Throws before any internal is touched when a package is not the release they were written for. */
export async function assertTfjsInternals(): Promise<void> {
  const error = tfjsVersionError(await loadedTfjsVersions());
  if (error !== null) throw error;
}
