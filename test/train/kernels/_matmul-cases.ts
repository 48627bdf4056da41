/** Matrix products exercising every route of the BatchMatMul replacements. */
import * as tf from '@tensorflow/tfjs-core';
import { randomArray } from '../ops/_compare.ts';

const t = (shape: number[], seed: number) => tf.tensor(randomArray(shape.reduce((a, b) => a * b, 1), seed), shape);

export const matMulCases = (): tf.Tensor[] => [
  tf.matMul(t([5, 3], 1), t([3, 4], 2)),
  tf.matMul(t([3, 5], 3), t([3, 4], 4), true, false),
  tf.matMul(t([5, 3], 5), t([4, 3], 6), false, true),
  tf.matMul(t([3, 5], 7), t([4, 3], 8), true, true),
  tf.matMul(t([2, 3, 5, 3], 9), t([2, 3, 4, 3], 10), false, true),
  tf.matMul(t([1, 5, 3], 11), t([3, 3, 4], 12)),
  tf.matMul(t([3, 5, 3], 13), t([1, 3, 4], 14), false, false),
  tf.matMul(t([5, 0], 15), t([0, 4], 16)),
];

export const matMulGradient = (): tf.Tensor[] =>
  tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.matMul(a, b, true, true))))([t([3, 5], 17), t([4, 3], 18)]);
