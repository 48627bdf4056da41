/** Sets up the wasm backend (SIMD build) with the kernels training needs, and dapt's native
 *  kernels (and OpenBLAS through them) when they are available. */
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { loadNative } from '../kernels/native/load.ts';
import { registerWasmTrainingKernels } from '../kernels/register-wasm.ts';
import { assertTfjsInternals } from './tfjs-version.ts';
import { guardHeap, type WasmAllocator } from './wasm-heap-guard.ts';
import { releaseWorkers, useThreadedWasm } from './wasm-threads.ts';

export interface WasmSetup {
  threads: number;
  simd: boolean;
  blas: string | null;
  notes: string[];
}

export async function setUpWasm(): Promise<WasmSetup> {
  await assertTfjsInternals();
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const threads = nativeThreads();
  const native = loadNative(threads);
  const handlersBefore = processHandlers();
  const notes = [...native.notes];
  // Without native BLAS the products run on XNNPACK, which the threaded build runs on every core.
  // With BLAS it would only add idle threads competing with OpenBLAS's.
  const threaded = native.blas === null && threads > 1 && process.env.DAPT_WASM_THREADS !== '0';
  if (threaded) {
    const why = await useThreadedWasm(threads);
    if (why !== null) notes.push(why);
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
  if (threaded) releaseWorkers();
  removeHandlersAddedSince(handlersBefore);
  guardHeap(tf.backend() as unknown as { wasm: WasmAllocator });
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  if (!simd) notes.push('this Node has no WebAssembly SIMD; the wasm backend runs its slow scalar build');
  registerWasmTrainingKernels(native.addon, native.blas !== null);
  if (native.addon === null) return { threads: wasm.getThreadsCount(), simd, blas: null, notes };
  const blas = native.blas === null ? null : `openblas (${native.blas.core})`;
  return { threads, simd, blas, notes };
}

type ProcessEvent = 'uncaughtException' | 'unhandledRejection';
const processEvents: ProcessEvent[] = ['uncaughtException', 'unhandledRejection'];

type Handler = (...args: unknown[]) => void;

function listeners(e: ProcessEvent): Handler[] {
  return process.listeners(e as 'uncaughtException') as Handler[];
}

function processHandlers(): Map<ProcessEvent, Set<Handler>> {
  return new Map(processEvents.map((e) => [e, new Set(listeners(e))]));
}

/**
 * The Emscripten runtime installs process handlers that rethrow every uncaught error from inside
 * its minified source, so Node prints a megabyte-long line instead of the error; dapt has its
 * own error boundary, so they go.
 */
function removeHandlersAddedSince(before: Map<ProcessEvent, Set<Handler>>): void {
  for (const e of processEvents) {
    for (const listener of listeners(e)) if (!before.get(e)!.has(listener)) process.removeListener(e, listener);
  }
}

/** DAPT_THREADS, else every core Node may use. */
function nativeThreads(): number {
  const requested = Number(process.env.DAPT_THREADS);
  return Number.isInteger(requested) && requested > 0 ? requested : availableParallelism();
}
