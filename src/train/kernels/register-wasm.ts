/** Registers the kernels training needs on the wasm backend: the ones it lacks, replacements for
 *  slow or copying ones, and (when the native addon loaded) the fused native kernels. Call after
 *  the backend is initialised, so replaced kernels have run their setup. */
import { BatchMatMul, GatherV2, getKernel, registerGradient, registerKernel, Transpose, UnsortedSegmentSum, unregisterKernel } from '@tensorflow/tfjs-core';
import type { GradConfig, KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { gatherKernel } from './gather.ts';
import { sharedIdentityConfig } from './identity.ts';
import { activationKernels } from './native/activation.ts';
import { biasKernels } from './native/bias.ts';
import { attentionKernels } from './native/attention.ts';
import { layerNormKernels } from './native/layernorm.ts';
import type { NativeAddon } from './native/load.ts';
import { matMulKernels } from './native/matmul.ts';
import { softmaxXentKernels } from './native/softmax-xent.ts';
import { transposeKernel } from './native/transpose.ts';
import { nativeUnsortedSegmentSum, unsortedSegmentSumConfig } from './unsorted-segment-sum.ts';
import { xnnpackBatchMatMul } from './xnnpack-matmul.ts';

const installed = new Set<string>();
const gradients = new Set<string>();

/** Registers the kernel `make` builds (given the backend's own kernel, if any) in place of it, once. */
function install(name: string, make: (stock: KernelFunc | undefined) => KernelConfig): void {
  if (installed.has(name)) return;
  const stock = getKernel(name, 'wasm');
  if (stock !== undefined) unregisterKernel(name, 'wasm');
  registerKernel(make(stock?.kernelFunc));
  installed.add(name);
}

function stockOf(name: string, stock: KernelFunc | undefined): KernelFunc {
  if (stock === undefined) throw new Error(`the wasm backend has no ${name} kernel`);
  return stock;
}

/**
 * Kernels for training on wasm. With the native addon, its fused kernels too (the BLAS-backed
 * ones, matrix products and attention, only with BLAS); without BLAS, products go to XNNPACK.
 */
export function registerWasmTrainingKernels(native: NativeAddon | null, blas: boolean): void {
  install(UnsortedSegmentSum, () => (native === null ? unsortedSegmentSumConfig : nativeUnsortedSegmentSum(native)));
  install(sharedIdentityConfig.kernelName, () => sharedIdentityConfig);
  install(GatherV2, (stock) => gatherKernel(stockOf(GatherV2, stock)));
  if (native !== null) install(Transpose, (stock) => transposeKernel(native, stockOf(Transpose, stock)));
  const transpose = getKernel(Transpose, 'wasm')!.kernelFunc;
  if (native === null || !blas) install(BatchMatMul, () => xnnpackBatchMatMul(transpose as never));
  if (native === null) return;
  const groups = [biasKernels(native), layerNormKernels(native), activationKernels(native), softmaxXentKernels(native)];
  if (blas) groups.push(matMulKernels(native), attentionKernels(native));
  const grads: GradConfig[] = [];
  for (const g of groups) {
    for (const k of g.kernels) install(k.kernelName, () => k);
    grads.push(...g.gradients);
  }
  for (const g of grads) {
    if (gradients.has(g.kernelName)) continue;
    registerGradient(g);
    gradients.add(g.kernelName);
  }
}
