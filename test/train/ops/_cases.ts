/**
 * Shared table of TrainOps cases (values and gradients on tiny random inputs). Every
 * implementation is run through it on wasm and compared with the reference ops on cpu.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TrainOps } from '../../../src/train/ops/types.ts';
import { randomArray, randomInts, valueAndGrads } from './_compare.ts';

export interface OpCase {
  name: string;
  compute: (ops: TrainOps) => () => tf.Tensor[];
}

const B = 2;
const S = 5;
const H = 8;
const V = 13;

const t = (shape: number[], seed: number, scale = 1) => tf.tensor(randomArray(shape.reduce((a, b) => a * b, 1), seed, scale), shape);
// batch 0: one padded key; batch 1: two padded keys
const keyMask = () => tf.tensor2d([[1, 1, 1, 1, 0], [1, 1, 1, 0, 0]]);

export const opCases: OpCase[] = [
  {
    name: 'embeddingLookup (value, table gradient with repeated ids)',
    compute: (ops) => valueAndGrads((table) => ops.embeddingLookup(table as tf.Tensor2D, tf.tensor2d(randomInts(B * S, 3, V), [B, S], 'int32')), () => [t([V, H], 1)]),
  },
  {
    name: 'dense with bias on a 3-D input',
    compute: (ops) => valueAndGrads((x, w, b) => ops.dense(x!, w as tf.Tensor2D, b as tf.Tensor1D), () => [t([B, S, H], 4), t([H, 6], 5), t([6], 6)]),
  },
  {
    name: 'dense without bias on a 2-D input',
    compute: (ops) => valueAndGrads((x, w) => ops.dense(x!, w as tf.Tensor2D, null), () => [t([B * S, H], 7), t([H, 3], 8)]),
  },
  {
    name: 'dense with a transposed [out, in] weight and bias (tied decoder)',
    compute: (ops) => valueAndGrads((x, w, b) => ops.dense(x!, w as tf.Tensor2D, b as tf.Tensor1D, true), () => [t([B, S, H], 30), t([V, H], 31), t([V], 32)]),
  },
  {
    name: 'dense with a transposed weight, no bias',
    compute: (ops) => valueAndGrads((x, w) => ops.dense(x!, w as tf.Tensor2D, null, true), () => [t([4, H], 33), t([5, H], 34)]),
  },
  {
    name: 'layerNorm',
    compute: (ops) =>
      valueAndGrads((x, g, b) => ops.layerNorm(x!, g as tf.Tensor1D, b as tf.Tensor1D, 1e-12), () => [t([B, S, H], 9, 3), t([H], 10), t([H], 11)]),
  },
  {
    name: 'layerNorm with a large eps',
    compute: (ops) => valueAndGrads((x, g, b) => ops.layerNorm(x!, g as tf.Tensor1D, b as tf.Tensor1D, 0.5), () => [t([3, H], 12), t([H], 13), t([H], 14)]),
  },
  { name: 'gelu', compute: (ops) => valueAndGrads((x) => ops.gelu(x!), () => [t([B, S, H], 15, 4)]) },
  {
    name: 'dropout',
    compute: (ops) => valueAndGrads((x) => ops.dropout(x!, { rate: 0.25, seed: 7 }), () => [t([B, S, H], 16)]),
  },
  {
    name: 'selfAttention with padding masks, no dropout',
    compute: (ops) =>
      valueAndGrads(
        (q, k, v) => ops.selfAttention(q as tf.Tensor3D, k as tf.Tensor3D, v as tf.Tensor3D, keyMask(), 2, null),
        () => [t([B, S, H], 17), t([B, S, H], 18), t([B, S, H], 19)],
      ),
  },
  {
    name: 'selfAttention with padding masks and attention dropout',
    compute: (ops) =>
      valueAndGrads(
        (q, k, v) => ops.selfAttention(q as tf.Tensor3D, k as tf.Tensor3D, v as tf.Tensor3D, keyMask(), 4, { rate: 0.2, seed: 5 }),
        () => [t([B, S, H], 20), t([B, S, H], 21), t([B, S, H], 22)],
      ),
  },
  {
    name: 'softmaxCrossEntropy',
    compute: (ops) => valueAndGrads((l) => ops.softmaxCrossEntropy(l as tf.Tensor2D, tf.tensor1d(randomInts(6, 23, V), 'int32')), () => [t([6, V], 24, 5)]),
  },
  {
    name: 'globalNorm',
    compute: (ops) => () => [ops.globalNorm([t([4, 3], 25), t([7], 26), t([2, 2, 2], 27)])],
  },
];
