import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { assertSameOnBackends, on, randomArray, setUpBackends } from '../ops/_compare.ts';

before(setUpBackends);

test('UnsortedSegmentSum on wasm matches cpu for rows, repeated and out-of-range ids', async () => {
  const compute = () => [
    tf.unsortedSegmentSum(tf.tensor(randomArray(7 * 3 * 2, 1), [7, 3, 2]), tf.tensor1d([0, 4, 4, 2, -1, 9, 0], 'int32'), 5),
    tf.unsortedSegmentSum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), tf.tensor1d([1, 1, 0], 'int32'), 3),
  ];
  await assertSameOnBackends(compute, 'unsortedSegmentSum', 1e-6, 1e-6);
});

test('the gradient of an embedding gather on wasm is a scatter-add into the table', async () => {
  const [grad] = await on('wasm', () => tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, tf.tensor1d([2, 0, 2], 'int32'))))(tf.zeros([3, 2])));
  assert.deepEqual(Array.from(grad!), [1, 1, 0, 0, 2, 2]);
});
