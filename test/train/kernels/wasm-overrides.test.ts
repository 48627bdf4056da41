import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { assertSameOnBackends, on, randomArray, setUpBackends } from '../ops/_compare.ts';
import { matMulCases, matMulGradient } from './_matmul-cases.ts';

before(setUpBackends);

const t = (shape: number[], seed: number) => tf.tensor(randomArray(shape.reduce((a, b) => a * b, 1), seed), shape);

test('BatchMatMul on BLAS matches cpu for every transpose combination, batches and broadcasting', async () => {
  await assertSameOnBackends(matMulCases, 'matMul');
});

test('the gradient of a transposed matMul on BLAS matches cpu', async () => {
  await assertSameOnBackends(matMulGradient, 'matMul gradient');
});

test('Transpose matches cpu; identity permutations share their input', async () => {
  await assertSameOnBackends(
    () => [
      tf.transpose(t([37, 45], 19)),
      tf.transpose(t([2, 3, 33, 5], 20), [0, 1, 3, 2]),
      tf.transpose(t([2, 3, 4], 21), [2, 0, 1]),
      tf.cast(tf.transpose(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32')), 'float32'),
    ],
    'transpose',
  );
  await tf.setBackend('wasm');
  const x = t([3, 4], 22);
  const y = tf.transpose(x, [0, 1]);
  x.dispose();
  assert.deepEqual(Array.from(y.dataSync()), Array.from(randomArray(12, 22)));
  y.dispose();
});

test('GatherV2 matches cpu on axis 0 (float and int) and other axes; bad indices throw', async () => {
  await assertSameOnBackends(
    () => [
      tf.gather(t([6, 4], 23), tf.tensor2d([[5, 0], [2, 2]], [2, 2], 'int32')),
      tf.cast(tf.gather(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), tf.tensor1d([2, 1, 2], 'int32')), 'float32'),
      tf.gather(t([3, 5, 2], 24), tf.tensor1d([4, 0], 'int32'), 1),
      tf.gather(t([3, 4], 25), tf.tensor1d([], 'int32')),
    ],
    'gather',
  );
  await tf.setBackend('wasm');
  assert.throws(() => tf.gather(t([3, 2], 26), tf.tensor1d([3], 'int32')), /outside \[0, 3\)/);
});

test('clone shares the buffer and survives disposing the original', async () => {
  const [v] = await on('wasm', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    x.dispose();
    return tf.mul(y, 2);
  });
  assert.deepEqual(Array.from(v!), [2, 4, 6]);
});
