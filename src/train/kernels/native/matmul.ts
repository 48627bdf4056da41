/**
 * Matrix products on native BLAS, reading and writing the wasm heap in place: the stock wasm
 * BatchMatMul reaches XNNPACK only for untransposed, unbatched products and runs every backward
 * and attention product in a scalar loop. Also the fused dense layer (product + bias).
 */
import { BatchMatMul, broadcast_util, util } from '@tensorflow/tfjs-core';
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapBytes, offset, output } from '../wasm-heap.ts';
import { DaptColSum } from './bias.ts';
import type { NativeAddon } from './load.ts';

export const DaptDense = 'DaptDense';

interface Args<A = NamedAttrMap> {
  inputs: Record<string, TensorInfo>;
  attrs: A;
  backend: BackendWasm;
}

/** C = op(A)·op(B) with batch broadcasting, as BatchMatMul defines it. */
function matMul(native: NativeAddon, backend: BackendWasm, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
  const ar = a.shape.length;
  const br = b.shape.length;
  const m = transposeA ? a.shape[ar - 1]! : a.shape[ar - 2]!;
  const k = transposeA ? a.shape[ar - 2]! : a.shape[ar - 1]!;
  const kb = transposeB ? b.shape[br - 1]! : b.shape[br - 2]!;
  const n = transposeB ? b.shape[br - 2]! : b.shape[br - 1]!;
  util.assert(k === kb, () => `matMul: inner dimensions ${k} and ${kb} of shapes [${a.shape}] and [${b.shape}] differ`);
  const batchA = util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = util.sizeFromShape(b.shape.slice(0, -2));
  const outer = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = Math.max(batchA, batchB);
  util.assert(batchA === batchB || batchA === 1 || batchB === 1, () => `matMul: batch shapes [${a.shape}] and [${b.shape}] do not broadcast`);
  const out = output(backend, [...outer, m, n], 'float32');
  if (m * n === 0) return out;
  const heap = heapBytes(backend);
  const [oa, ob, oc] = [offset(backend, a), offset(backend, b), offset(backend, out)];
  if (k === 0) {
    new Float32Array(heap.buffer, oc, batch * m * n).fill(0);
  } else if (batch === 1) {
    native.sgemm(heap, +transposeA, +transposeB, m, n, k, 1, oa, transposeA ? m : k, ob, transposeB ? k : n, 0, oc, n);
  } else {
    native.sgemmBatched(heap, +transposeA, +transposeB, m, n, k, oa, batchA === 1 ? 0 : m * k, ob, batchB === 1 ? 0 : k * n, oc, m * n, batch);
  }
  return out;
}

export function matMulKernels(native: NativeAddon): { kernels: KernelConfig[]; gradients: GradConfig[] } {
  const batchMatMul: KernelConfig = {
    kernelName: BatchMatMul,
    backendName: 'wasm',
    kernelFunc: (({ inputs, attrs, backend }: Args<{ transposeA: boolean; transposeB: boolean }>) => {
      const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
      if (a.dtype !== 'float32' || b.dtype !== 'float32') throw new Error('BatchMatMul supports float32 only');
      return matMul(native, backend, a, b, attrs.transposeA, attrs.transposeB);
    }) as unknown as KernelFunc,
  };

  /** y[R, out] = x[R, in]·w (+ b), w [in, out] or, with transposeW, [out, in]: bias rows
   *  written first, then sgemm with beta = 1. */
  const dense: KernelConfig = {
    kernelName: DaptDense,
    backendName: 'wasm',
    kernelFunc: (({ inputs, attrs, backend }: Args<{ transposeW?: number }>) => {
      const { x, w, b } = inputs as { x: TensorInfo; w: TensorInfo; b?: TensorInfo };
      const tw = attrs.transposeW === 1;
      const [kIn, nOut] = (tw ? [w.shape[1], w.shape[0]] : w.shape) as [number, number];
      const rows = util.sizeFromShape(x.shape) / kIn;
      const out = output(backend, [...x.shape.slice(0, -1), nOut], 'float32');
      if (rows * nOut === 0) return out;
      const heap = heapBytes(backend);
      const oc = offset(backend, out);
      if (b !== undefined) native.biasRows(heap, oc, offset(backend, b), rows, nOut);
      native.sgemm(heap, 0, +tw, rows, nOut, kIn, 1, offset(backend, x), kIn, offset(backend, w), tw ? kIn : nOut, b !== undefined ? 1 : 0, oc, nOut);
      return out;
    }) as unknown as KernelFunc,
  };

  const denseGrad: GradConfig = {
    kernelName: DaptDense,
    inputsToSave: ['x', 'w'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const [x, w] = saved as [Tensor, Tensor];
      const g = dy as Tensor;
      const tw = attrs.transposeW === 1;
      const [kIn, nOut] = (tw ? [w.shape[1], w.shape[0]] : w.shape) as [number, number];
      const g2 = () => tf.reshape(g, [-1, nOut]);
      const x2 = () => tf.reshape(x, [-1, kIn]);
      return {
        // y = x·w → dx = dy·wᵀ, dw = xᵀ·dy;  y = x·wᵀ → dx = dy·w, dw = dyᵀ·x
        x: () => tf.reshape(tf.matMul(g2(), w, false, !tw), x.shape),
        w: () => (tw ? tf.matMul(g2(), x2(), true, false) : tf.matMul(x2(), g2(), true, false)),
        b: () => tf.engine().runKernel(DaptColSum, { x: g }, {}) as Tensor,
      };
    },
  };

  return { kernels: [batchMatMul, dense], gradients: [denseGrad] };
}
