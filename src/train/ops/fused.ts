/**
 * TrainOps on the wasm backend with dapt's native kernels: each op is one fused kernel forward
 * and one backward (src/train/kernels/native), with BLAS for the products when it loaded.
 * Without BLAS, products run on the backend's (XNNPACK-routed) BatchMatMul and attention is the
 * reference op.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { DaptDropout, DaptGelu } from '../kernels/native/activation.ts';
import { DaptBiasAdd } from '../kernels/native/bias.ts';
import { DaptAttention } from '../kernels/native/attention.ts';
import { DaptLayerNorm } from '../kernels/native/layernorm.ts';
import type { NativeAddon } from '../kernels/native/load.ts';
import { DaptDense } from '../kernels/native/matmul.ts';
import { DaptSoftmaxXent } from '../kernels/native/softmax-xent.ts';
import { heapBytes, offset } from '../kernels/wasm-heap.ts';
import { dropoutThreshold } from './dropout-mask.ts';
import { referenceOps } from './reference.ts';
import type { DropoutSpec, TrainOps } from './types.ts';

const run = (name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, number> = {}) =>
  tf.engine().runKernel(name, inputs as tf.NamedTensorMap, attrs);

function dropoutAttrs(spec: DropoutSpec): { seed: number; threshold: number; keep: number } {
  return { seed: spec.seed >>> 0, threshold: dropoutThreshold(spec.rate), keep: 1 / (1 - spec.rate) };
}

function float(t: tf.Tensor): tf.Tensor {
  return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
}

export function makeFusedOps(native: NativeAddon, blas: boolean): TrainOps {
  const wasm = () => tf.backend() as BackendWasm;

  return {
    name: blas ? 'fused' : 'fused-no-blas',
    embeddingLookup: referenceOps.embeddingLookup,

    dense: blas
      ? (x, w, b, transposeW = false) => run(DaptDense, b === null ? { x, w } : { x, w, b }, { transposeW: transposeW ? 1 : 0 }) as tf.Tensor
      : (x, w, b, transposeW = false) =>
          tf.tidy(() => {
            const [kIn, nOut] = transposeW ? [w.shape[1], w.shape[0]] : w.shape;
            const product = tf.matMul(tf.reshape(x, [-1, kIn]), w, false, transposeW);
            const y = b === null ? product : (run(DaptBiasAdd, { x: product, b }) as tf.Tensor);
            return tf.reshape(y, [...x.shape.slice(0, -1), nOut]);
          }),

    layerNorm: (x, gamma, beta, eps) => tf.tidy(() => (run(DaptLayerNorm, { x, gamma, beta }, { eps }) as tf.Tensor[])[0]!),

    gelu: (x) => run(DaptGelu, { x }) as tf.Tensor,

    dropout: (x, spec) => (spec === null || spec.rate === 0 ? x : (run(DaptDropout, { x }, dropoutAttrs(spec)) as tf.Tensor)),

    selfAttention: blas
      ? (q, k, v, keyMask, heads, spec) => {
          const attrs = spec === null || spec.rate === 0 ? { heads, dropout: 0, seed: 0, threshold: 0, keep: 1 } : { heads, dropout: 1, ...dropoutAttrs(spec) };
          return tf.tidy(() => (run(DaptAttention, { q, k, v, mask: float(keyMask) }, attrs) as tf.Tensor[])[0] as tf.Tensor3D);
        }
      : referenceOps.selfAttention,

    softmaxCrossEntropy: (logits, labels) => {
      tf.util.assert(logits.rank === 2 && labels.rank === 1 && labels.shape[0] === logits.shape[0], () => `softmaxCrossEntropy: logits [M, V] and labels [M] expected, got [${logits.shape}] and [${labels.shape}]`);
      return tf.tidy(() => (run(DaptSoftmaxXent, { logits, labels: labels.dtype === 'int32' ? labels : tf.cast(labels, 'int32') }) as tf.Tensor[])[0] as tf.Scalar);
    },

    globalNorm(tensors) {
      const backend = wasm();
      let total = 0;
      for (const t of tensors) {
        const x = float(t);
        total += native.sumSquares(heapBytes(backend), offset(backend, x), x.size);
        if (x !== t) x.dispose();
      }
      return tf.scalar(Math.sqrt(total));
    },

    adamwUpdate(param, grad, m, v, hp) {
      const backend = wasm();
      // In place only when no other tensor shares a buffer (a variable starts out sharing the
      // tensor it was made from); the reference update gives each its own buffer.
      const exclusive = [param, m, v].every((t) => backend.refCount(t.dataId) === 1);
      if (!exclusive || grad.dtype !== 'float32' || grad.size !== param.size) {
        referenceOps.adamwUpdate(param, grad, m, v, hp);
        return;
      }
      const o = (t: tf.Tensor) => offset(backend, t);
      native.adamw(heapBytes(backend), o(param), o(grad), o(m), o(v), param.size, hp.lr, hp.beta1, hp.beta2, hp.eps, hp.weightDecay, 1 - hp.beta1 ** hp.step, 1 - hp.beta2 ** hp.step, hp.gradScale);
    },
  };
}
