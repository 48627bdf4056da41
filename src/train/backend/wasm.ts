/** Sets up the wasm backend (SIMD build) with the kernels training needs, and dapt's native
 *  kernels (and OpenBLAS through them) when they are available. */
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { loadNative } from '../kernels/native/load.ts';
import { registerWasmTrainingKernels } from '../kernels/register-wasm.ts';

export interface WasmSetup {
  threads: number;
  simd: boolean;
  blas: string | null;
  notes: string[];
}

export async function setUpWasm(): Promise<WasmSetup> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const notes: string[] = [];
  if (!simd) notes.push('this Node has no WebAssembly SIMD; the wasm backend runs its slow scalar build');
  const threads = nativeThreads();
  const native = loadNative(threads);
  notes.push(...native.notes);
  registerWasmTrainingKernels(native.addon, native.blas !== null);
  if (native.addon === null) return { threads: wasm.getThreadsCount(), simd, blas: null, notes };
  const blas = native.blas === null ? null : `openblas (${native.blas.core})`;
  return { threads, simd, blas, notes };
}

/** DAPT_THREADS, else every core Node may use. */
function nativeThreads(): number {
  const requested = Number(process.env.DAPT_THREADS);
  return Number.isInteger(requested) && requested > 0 ? requested : availableParallelism();
}
