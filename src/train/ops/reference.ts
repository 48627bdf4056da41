/**
 * The reference TrainOps: plain tfjs-core ops, written for clarity. Every faster implementation
 * is tested against it. Gradients come from tfjs-core's own gradient functions.
 */
import * as tf from '@tensorflow/tfjs-core';
import { dropoutScaleMask } from './dropout-mask.ts';
import type { DropoutSpec, TrainOps } from './types.ts';

/** Added to attention scores of padding keys; exp() of it underflows to exactly 0. */
export const MASKED_SCORE = -1e9;

function embeddingLookup(table: tf.Tensor2D, ids: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const rows = tf.gather(table, tf.reshape(ids, [-1]));
    return tf.reshape(rows, [...ids.shape, table.shape[1]]);
  });
}

function dense(x: tf.Tensor, w: tf.Tensor2D, b: tf.Tensor1D | null, transposeW = false): tf.Tensor {
  return tf.tidy(() => {
    const [kIn, nOut] = transposeW ? [w.shape[1], w.shape[0]] : w.shape;
    const product = tf.matMul(tf.reshape(x, [-1, kIn]), w, false, transposeW);
    const y = b === null ? product : tf.add(product, b);
    return tf.reshape(y, [...x.shape.slice(0, -1), nOut]);
  });
}

function layerNorm(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor {
  return tf.tidy(() => {
    const axis = x.rank - 1;
    const mean = tf.mean(x, axis, true);
    const centred = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centred), axis, true);
    const normed = tf.mul(centred, tf.rsqrt(tf.add(variance, eps)));
    return tf.add(tf.mul(normed, gamma), beta);
  });
}

function gelu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)));
}

function dropout(x: tf.Tensor, spec: DropoutSpec | null): tf.Tensor {
  if (spec === null || spec.rate === 0) return x;
  return tf.tidy(() => tf.mul(x, tf.tensor(dropoutScaleMask(x.size, spec.rate, spec.seed), x.shape, 'float32')));
}

/** [B, S, H] → [B, N, S, H/N] */
function splitHeads(x: tf.Tensor3D, heads: number): tf.Tensor4D {
  const [b, s, h] = x.shape;
  return tf.transpose(tf.reshape(x, [b, s, heads, h / heads]), [0, 2, 1, 3]);
}

function selfAttention(
  q: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
  keyMask: tf.Tensor2D,
  heads: number,
  spec: DropoutSpec | null,
): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, s, h] = q.shape;
    const scale = 1 / Math.sqrt(h / heads);
    const scores = tf.mul(tf.matMul(splitHeads(q, heads), splitHeads(k, heads), false, true), scale);
    const bias = tf.reshape(tf.mul(tf.sub(1, keyMask), MASKED_SCORE), [b, 1, 1, s]);
    const probs = dropout(tf.softmax(tf.add(scores, bias)), spec);
    const context = tf.matMul(probs as tf.Tensor4D, splitHeads(v, heads));
    return tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [b, s, h]);
  });
}

function softmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    // cast: on wasm, oneHot's int32 output read as float32 is all zeros
    const target = tf.cast(tf.oneHot(tf.cast(labels, 'int32'), logits.shape[1]), 'float32');
    return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), target), 1))) as tf.Scalar;
  });
}

function globalNorm(tensors: tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(tensors.map((t) => tf.sum(tf.square(t))))) as tf.Scalar);
}

function adamwUpdate(
  param: tf.Variable,
  grad: tf.Tensor,
  m: tf.Variable,
  v: tf.Variable,
  hp: { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; step: number; gradScale: number },
): void {
  tf.tidy(() => {
    const g = tf.mul(grad, hp.gradScale);
    const m1 = tf.add(tf.mul(m, hp.beta1), tf.mul(g, 1 - hp.beta1));
    const v1 = tf.add(tf.mul(v, hp.beta2), tf.mul(tf.square(g), 1 - hp.beta2));
    const mHat = tf.div(m1, 1 - hp.beta1 ** hp.step);
    const vHat = tf.div(v1, 1 - hp.beta2 ** hp.step);
    const update = tf.add(tf.div(mHat, tf.add(tf.sqrt(vHat), hp.eps)), tf.mul(param, hp.weightDecay));
    m.assign(m1);
    v.assign(v1);
    param.assign(tf.sub(param, tf.mul(update, hp.lr)));
  });
}

export const referenceOps: TrainOps = {
  name: 'reference',
  embeddingLookup,
  dense,
  layerNorm,
  gelu,
  dropout,
  selfAttention,
  softmaxCrossEntropy,
  globalNorm,
  adamwUpdate,
};
