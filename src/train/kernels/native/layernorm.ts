/** Fused LayerNorm over the last axis: one pass forward (keeping mean and 1/std per row), one
 *  pass backward producing dx, dgamma and dbeta, instead of ~20 tfjs kernels each way. */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, KernelConfig, KernelFunc, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapBytes, offset, output } from '../wasm-heap.ts';
import type { NativeAddon } from './load.ts';

export const DaptLayerNorm = 'DaptLayerNorm';
export const DaptLayerNormGrad = 'DaptLayerNormGrad';

interface Args {
  inputs: Record<string, TensorInfo>;
  attrs: { eps?: number };
  backend: BackendWasm;
}

function rowsCols(x: TensorInfo): [number, number] {
  const cols = x.shape[x.shape.length - 1]!;
  return [cols === 0 ? 0 : tf.util.sizeFromShape(x.shape) / cols, cols];
}

export function layerNormKernels(native: NativeAddon): { kernels: KernelConfig[]; gradients: GradConfig[] } {
  const forward: KernelConfig = {
    kernelName: DaptLayerNorm,
    backendName: 'wasm',
    kernelFunc: (({ inputs, attrs, backend }: Args) => {
      const { x, gamma, beta } = inputs as { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
      const [rows, cols] = rowsCols(x);
      const y = output(backend, x.shape, 'float32');
      const mean = output(backend, [rows], 'float32');
      const rstd = output(backend, [rows], 'float32');
      const o = (t: TensorInfo) => offset(backend, t);
      native.layerNormFwd(heapBytes(backend), o(x), o(gamma), o(beta), o(y), o(mean), o(rstd), rows, cols, attrs.eps!);
      return [y, mean, rstd];
    }) as unknown as KernelFunc,
  };

  const backward: KernelConfig = {
    kernelName: DaptLayerNormGrad,
    backendName: 'wasm',
    kernelFunc: (({ inputs, backend }: Args) => {
      const { dy, x, gamma, mean, rstd } = inputs as Record<'dy' | 'x' | 'gamma' | 'mean' | 'rstd', TensorInfo>;
      const [rows, cols] = rowsCols(x);
      const dx = output(backend, x.shape, 'float32');
      const dgamma = output(backend, [cols], 'float32');
      const dbeta = output(backend, [cols], 'float32');
      const o = (t: TensorInfo) => offset(backend, t);
      native.layerNormBwd(heapBytes(backend), o(dy), o(x), o(gamma), o(mean), o(rstd), o(dx), o(dgamma), o(dbeta), rows, cols);
      return [dx, dgamma, dbeta];
    }) as unknown as KernelFunc,
  };

  const gradient: GradConfig = {
    kernelName: DaptLayerNorm,
    inputsToSave: ['x', 'gamma'],
    outputsToSave: [false, true, true],
    gradFunc: (dys: Tensor | Tensor[], saved: Tensor[]) => {
      const [x, gamma, mean, rstd] = saved as [Tensor, Tensor, Tensor, Tensor];
      const dy = Array.isArray(dys) ? dys[0]! : dys;
      // One kernel yields all three, so it runs eagerly here (the tape's backward scope owns the
      // results) rather than inside one thunk's tidy, which would dispose the other two.
      const [dx, dgamma, dbeta] = tf.engine().runKernel(DaptLayerNormGrad, { dy, x, gamma, mean, rstd }, {}) as Tensor[];
      return { x: () => dx!, gamma: () => dgamma!, beta: () => dbeta! };
    },
  };

  return { kernels: [forward, backward], gradients: [gradient] };
}
