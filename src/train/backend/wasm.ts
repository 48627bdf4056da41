/** Sets up the wasm backend (SIMD build) with the extra kernels training needs. */
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmTrainingKernels } from '../kernels/register-wasm.ts';

export interface WasmSetup {
  threads: number;
  simd: boolean;
  notes: string[];
}

export async function setUpWasm(): Promise<WasmSetup> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  registerWasmTrainingKernels();
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const notes: string[] = [];
  if (!simd) notes.push('this Node has no WebAssembly SIMD; the wasm backend runs its slow scalar build');
  return { threads: wasm.getThreadsCount(), simd, notes };
}
