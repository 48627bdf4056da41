/**
 * Multi-head self-attention as one native kernel each way: per (batch, head) strided sgemms on
 * the [B, S, H] inputs (no head split/merge transposes), masked softmax and dropout in between.
 * Keeps only each score row's log-sum-exp [B, N, S]; the backward pass recomputes the
 * probabilities (one more S×S×D product per head) instead of holding [B, N, S, S] per layer.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapBytes, offset, output } from '../wasm-heap.ts';
import type { NativeAddon } from './load.ts';

export const DaptAttention = 'DaptAttention';
export const DaptAttentionGrad = 'DaptAttentionGrad';

export interface AttentionAttrs extends NamedAttrMap {
  heads: number;
  /** 0 = no dropout */
  dropout: number;
  seed: number;
  threshold: number;
  keep: number;
}

interface Args {
  inputs: Record<string, TensorInfo>;
  attrs: NamedAttrMap;
  backend: BackendWasm;
}

function dims(q: TensorInfo, a: AttentionAttrs): [number, number, number, number, number] {
  const [b, s, h] = q.shape as [number, number, number];
  return [b, s, h, a.heads, 1 / Math.sqrt(h / a.heads)];
}

export function attentionKernels(native: NativeAddon): { kernels: KernelConfig[]; gradients: GradConfig[] } {
  const forward: KernelConfig = {
    kernelName: DaptAttention,
    backendName: 'wasm',
    kernelFunc: (({ inputs, attrs, backend }: Args) => {
      const { q, k, v, mask } = inputs as Record<'q' | 'k' | 'v' | 'mask', TensorInfo>;
      const a = attrs as AttentionAttrs;
      const [b, s, h, n, scale] = dims(q, a);
      const ctx = output(backend, [b, s, h], 'float32');
      const lse = output(backend, [b, n, s], 'float32');
      const o = (t: TensorInfo) => offset(backend, t);
      native.attentionFwd(heapBytes(backend), o(q), o(k), o(v), o(mask), o(lse), o(ctx), b, s, h, n, scale, a.dropout, a.seed, a.threshold, a.keep);
      return [ctx, lse];
    }) as unknown as KernelFunc,
  };
  const backward: KernelConfig = {
    kernelName: DaptAttentionGrad,
    backendName: 'wasm',
    kernelFunc: (({ inputs, attrs, backend }: Args) => {
      const { dctx, q, k, v, mask, lse } = inputs as Record<'dctx' | 'q' | 'k' | 'v' | 'mask' | 'lse', TensorInfo>;
      const a = attrs as AttentionAttrs;
      const [b, s, h, n, scale] = dims(q, a);
      const [dq, dk, dv] = [0, 1, 2].map(() => output(backend, [b, s, h], 'float32')) as [TensorInfo, TensorInfo, TensorInfo];
      const o = (t: TensorInfo) => offset(backend, t);
      native.attentionBwd(heapBytes(backend), o(dctx), o(q), o(k), o(v), o(mask), o(lse), o(dq), o(dk), o(dv), b, s, h, n, scale, a.dropout, a.seed, a.threshold, a.keep);
      return [dq, dk, dv];
    }) as unknown as KernelFunc,
  };
  const gradient: GradConfig = {
    kernelName: DaptAttention,
    inputsToSave: ['q', 'k', 'v', 'mask'],
    outputsToSave: [false, true],
    gradFunc: (dys: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const [q, k, v, mask, lse] = saved as [Tensor, Tensor, Tensor, Tensor, Tensor];
      const dctx = Array.isArray(dys) ? dys[0]! : dys;
      // one kernel yields all three: computed eagerly in the tape's scope (see layernorm.ts)
      const [dq, dk, dv] = tf.engine().runKernel(DaptAttentionGrad, { dctx, q, k, v, mask, lse }, attrs) as Tensor[];
      return { q: () => dq!, k: () => dk!, v: () => dv!, mask: () => tf.zerosLike(mask) };
    },
  };
  return { kernels: [forward, backward], gradients: [gradient] };
}
