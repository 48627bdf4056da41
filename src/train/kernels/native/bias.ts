/** Bias addition over rows and its gradient, the column sum, as single native passes (tfjs's
 *  broadcast-add gradient is an axis-0 Sum, one of the slowest kernels of a step on wasm). */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, KernelConfig, KernelFunc, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapBytes, offset, output } from '../wasm-heap.ts';
import type { NativeAddon } from './load.ts';

export const DaptColSum = 'DaptColSum';
export const DaptBiasAdd = 'DaptBiasAdd';

type Args = { inputs: Record<string, TensorInfo>; backend: BackendWasm };

function rowsCols(x: TensorInfo): [number, number] {
  const cols = x.shape[x.shape.length - 1]!;
  return [cols === 0 ? 0 : tf.util.sizeFromShape(x.shape) / cols, cols];
}

export function biasKernels(native: NativeAddon): { kernels: KernelConfig[]; gradients: GradConfig[] } {
  /** x [..., C] → Σ over all leading axes [C] */
  const colSum: KernelConfig = {
    kernelName: DaptColSum,
    backendName: 'wasm',
    kernelFunc: (({ inputs, backend }: Args) => {
      const x = inputs.x!;
      const [rows, cols] = rowsCols(x);
      const out = output(backend, [cols], 'float32');
      native.colSum(heapBytes(backend), offset(backend, x), offset(backend, out), rows, cols);
      return out;
    }) as unknown as KernelFunc,
  };
  /** x [..., C] + b [C] */
  const biasAdd: KernelConfig = {
    kernelName: DaptBiasAdd,
    backendName: 'wasm',
    kernelFunc: (({ inputs, backend }: Args) => {
      const { x, b } = inputs as { x: TensorInfo; b: TensorInfo };
      const [rows, cols] = rowsCols(x);
      const y = output(backend, x.shape, 'float32');
      native.addBias(heapBytes(backend), offset(backend, x), offset(backend, b), offset(backend, y), rows, cols);
      return y;
    }) as unknown as KernelFunc,
  };
  const gradient: GradConfig = {
    kernelName: DaptBiasAdd,
    gradFunc: (dy: Tensor | Tensor[]) => {
      const g = dy as Tensor;
      return { x: () => tf.clone(g), b: () => tf.engine().runKernel(DaptColSum, { x: g }, {}) as Tensor };
    },
  };
  return { kernels: [colSum, biasAdd], gradients: [gradient] };
}
