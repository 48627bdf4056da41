/**
 * Mean softmax cross-entropy over the vocabulary at masked positions as one native pass (and one
 * backward pass), replacing ~a dozen full-size tfjs kernels and their temporaries. Only each
 * row's log-sum-exp is kept; the backward pass recomputes the softmax from the logits.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, KernelConfig, KernelFunc, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { f32, heapBytes, offset, output } from '../wasm-heap.ts';
import type { NativeAddon } from './load.ts';

export const DaptSoftmaxXent = 'DaptSoftmaxXent';
export const DaptSoftmaxXentGrad = 'DaptSoftmaxXentGrad';

interface Args {
  inputs: Record<string, TensorInfo>;
  backend: BackendWasm;
}

export function softmaxXentKernels(native: NativeAddon): { kernels: KernelConfig[]; gradients: GradConfig[] } {
  /** logits [M, V] float32, labels [M] int32 → [loss scalar, log-sum-exp [M]] */
  const forward: KernelConfig = {
    kernelName: DaptSoftmaxXent,
    backendName: 'wasm',
    kernelFunc: (({ inputs, backend }: Args) => {
      const { logits, labels } = inputs as { logits: TensorInfo; labels: TensorInfo };
      const [rows, cols] = logits.shape as [number, number];
      const lse = output(backend, [rows], 'float32');
      const loss = output(backend, [], 'float32');
      const value = rows === 0 ? NaN : native.softmaxXentFwd(heapBytes(backend), offset(backend, logits), offset(backend, labels), offset(backend, lse), rows, cols);
      f32(backend, loss)[0] = value;
      return [loss, lse];
    }) as unknown as KernelFunc,
  };
  /** dy scalar, logits, labels, lse → dlogits = (softmax − onehot)·dy/M */
  const backward: KernelConfig = {
    kernelName: DaptSoftmaxXentGrad,
    backendName: 'wasm',
    kernelFunc: (({ inputs, backend }: Args) => {
      const { dy, logits, labels, lse } = inputs as Record<'dy' | 'logits' | 'labels' | 'lse', TensorInfo>;
      const [rows, cols] = logits.shape as [number, number];
      const dlogits = output(backend, [rows, cols], 'float32');
      const scale = f32(backend, dy)[0]! / rows;
      const o = (t: TensorInfo) => offset(backend, t);
      native.softmaxXentBwd(heapBytes(backend), o(logits), o(labels), o(lse), o(dlogits), rows, cols, scale);
      return dlogits;
    }) as unknown as KernelFunc,
  };
  const gradient: GradConfig = {
    kernelName: DaptSoftmaxXent,
    inputsToSave: ['logits', 'labels'],
    outputsToSave: [false, true],
    gradFunc: (dys: Tensor | Tensor[], saved: Tensor[]) => {
      const [logits, labels, lse] = saved as [Tensor, Tensor, Tensor];
      const dy = Array.isArray(dys) ? dys[0]! : dys;
      return {
        logits: () => tf.engine().runKernel(DaptSoftmaxXentGrad, { dy, logits, labels, lse }, {}) as Tensor,
        labels: () => tf.zerosLike(labels),
      };
    },
  };
  return { kernels: [forward, backward], gradients: [gradient] };
}
