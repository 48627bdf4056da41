/** Registers the kernels training needs that the stock wasm backend lacks (idempotent). */
import { getKernel, registerKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.ts';

const missingOnWasm: KernelConfig[] = [unsortedSegmentSumConfig];

export function registerWasmTrainingKernels(): void {
  for (const config of missingOnWasm) {
    if (getKernel(config.kernelName, 'wasm') === undefined) registerKernel(config);
  }
}
