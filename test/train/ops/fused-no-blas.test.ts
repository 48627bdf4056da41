// The fallback when OpenBLAS is missing: native fused kernels, matrix products on XNNPACK.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { currentBackend } from '../../../src/train/backend/index.ts';
import { getTrainOps } from '../../../src/train/ops/index.ts';
import { referenceOps } from '../../../src/train/ops/reference.ts';
import type { TrainOps } from '../../../src/train/ops/types.ts';
import { assertClose, on, setUpBackends } from './_compare.ts';
import { opCases } from './_cases.ts';
import { exercised, skipOrFail } from '../../_required.ts';

let ops: TrainOps;
before(async () => {
  process.env.DAPT_BLAS = '0';
  await setUpBackends();
  ops = getTrainOps();
  if (ops.name === 'fused-no-blas') exercised('native kernels without BLAS (products on XNNPACK)');
});

for (const c of opCases) {
  test(`without BLAS, ${c.name}: wasm matches the reference on cpu`, async (t) => {
    if (ops.name === 'reference') return skipOrFail(t, 'the native kernels', currentBackend()!.notes.join('; ') || 'they did not load');
    assert.equal(ops.name, 'fused-no-blas');
    const expected = await on('cpu', c.compute(referenceOps));
    const actual = await on('wasm', c.compute(ops));
    actual.forEach((a, i) => assertClose(a, expected[i]!, `${c.name} [output ${i}]`));
  });
}

// XNNPACK caches packed weights per tensor id; an in-place AdamW update must not leave it stale.
test('a dense layer sees its weights after an in-place AdamW update', async () => {
  const run = (impl: TrainOps) => () => {
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const w = tf.variable(tf.tensor2d([[0.5, -1], [2, 0.25]]).clone());
    const m = tf.variable(tf.zeros([2, 2]));
    const v = tf.variable(tf.zeros([2, 2]));
    const before = impl.dense(x, w, null);
    const hp = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, gradScale: 1 };
    for (let step = 1; step <= 3; step++) impl.adamwUpdate(w, tf.onesLike(w), m, v, { ...hp, step });
    return [before, impl.dense(x, w, null)];
  };
  const expected = await on('cpu', run(referenceOps));
  const actual = await on('wasm', run(ops));
  actual.forEach((a, i) => assertClose(a, expected[i]!, `dense [${i}]`));
});
