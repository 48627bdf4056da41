/** GELU (erf form) and dropout as single native passes; dropout's backward regenerates the mask
 *  from its seed instead of keeping it. */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapBytes, offset, output } from '../wasm-heap.ts';
import type { NativeAddon } from './load.ts';

export const DaptGelu = 'DaptGelu';
export const DaptGeluGrad = 'DaptGeluGrad';
export const DaptDropout = 'DaptDropout';

export interface DropoutAttrs extends NamedAttrMap {
  /** uint32 seed */
  seed: number;
  /** keep when hash >= threshold (= floor(rate·2³²)) */
  threshold: number;
  keep: number;
}

interface Args {
  inputs: Record<string, TensorInfo>;
  attrs: NamedAttrMap;
  backend: BackendWasm;
}

export function activationKernels(native: NativeAddon): { kernels: KernelConfig[]; gradients: GradConfig[] } {
  const gelu: KernelConfig = {
    kernelName: DaptGelu,
    backendName: 'wasm',
    kernelFunc: (({ inputs, backend }: Args) => {
      const x = inputs.x!;
      const y = output(backend, x.shape, 'float32');
      native.geluFwd(heapBytes(backend), offset(backend, x), offset(backend, y), tf.util.sizeFromShape(x.shape));
      return y;
    }) as unknown as KernelFunc,
  };
  const geluGrad: KernelConfig = {
    kernelName: DaptGeluGrad,
    backendName: 'wasm',
    kernelFunc: (({ inputs, backend }: Args) => {
      const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
      const dx = output(backend, x.shape, 'float32');
      native.geluBwd(heapBytes(backend), offset(backend, dy), offset(backend, x), offset(backend, dx), tf.util.sizeFromShape(x.shape));
      return dx;
    }) as unknown as KernelFunc,
  };
  const dropout: KernelConfig = {
    kernelName: DaptDropout,
    backendName: 'wasm',
    kernelFunc: (({ inputs, attrs, backend }: Args) => {
      const x = inputs.x!;
      const a = attrs as DropoutAttrs;
      const y = output(backend, x.shape, 'float32');
      native.dropout(heapBytes(backend), offset(backend, x), offset(backend, y), tf.util.sizeFromShape(x.shape), a.seed, a.threshold, a.keep);
      return y;
    }) as unknown as KernelFunc,
  };
  const gradients: GradConfig[] = [
    {
      kernelName: DaptGelu,
      inputsToSave: ['x'],
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => ({ x: () => tf.engine().runKernel(DaptGeluGrad, { dy: dy as Tensor, x: saved[0]! }, {}) as Tensor }),
    },
    {
      kernelName: DaptDropout,
      gradFunc: (dy: Tensor | Tensor[], _saved: Tensor[], attrs: NamedAttrMap) => ({ x: () => tf.engine().runKernel(DaptDropout, { x: dy as Tensor }, attrs) as Tensor }),
    },
  ];
  return { kernels: [gelu, geluGrad, dropout], gradients };
}
