import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { referenceOps as ops } from '../../../src/train/ops/reference.ts';
import { assertClose, assertSameOnBackends, on, setUpBackends } from './_compare.ts';
import { opCases } from './_cases.ts';

before(setUpBackends);

for (const c of opCases) {
  test(`reference ${c.name}: wasm matches cpu`, async () => {
    await assertSameOnBackends(c.compute(ops), c.name);
  });
}

test('softmaxCrossEntropy equals the hand-computed mean negative log-likelihood', async () => {
  const [loss] = await on('wasm', () => ops.softmaxCrossEntropy(tf.tensor2d([[0, Math.log(3)], [2, 2]]), tf.tensor1d([1, 0], 'int32')));
  assertClose(loss!, [(-Math.log(3 / 4) - Math.log(1 / 2)) / 2], 'loss');
});

test('attention ignores padded keys entirely', async () => {
  const q = tf.randomNormal([1, 3, 4], 0, 1, 'float32', 1);
  const k = tf.randomNormal([1, 3, 4], 0, 1, 'float32', 2);
  const v1 = tf.tensor3d([[[1, 2, 3, 4], [5, 6, 7, 8], [100, 100, 100, 100]]]);
  const v2 = tf.tensor3d([[[1, 2, 3, 4], [5, 6, 7, 8], [-9, 9, -9, 9]]]);
  const mask = tf.tensor2d([[1, 1, 0]]);
  const [a, b] = await on('wasm', () => [ops.selfAttention(q as tf.Tensor3D, k as tf.Tensor3D, v1, mask, 2, null), ops.selfAttention(q as tf.Tensor3D, k as tf.Tensor3D, v2, mask, 2, null)]);
  assertClose(a!, b!, 'context');
});

test('dropout keeps about 1-rate of the elements, scales them, and is reproducible from its seed', async () => {
  const x = tf.ones([4000]);
  const [y1, y2, y3] = await on('wasm', () => [ops.dropout(x, { rate: 0.3, seed: 11 }), ops.dropout(x, { rate: 0.3, seed: 11 }), ops.dropout(x, { rate: 0.3, seed: 12 })]);
  const kept = y1!.filter((v) => v !== 0);
  assert.ok(Math.abs(kept.length / 4000 - 0.7) < 0.03, `kept ${kept.length}`);
  assertClose(kept, new Float32Array(kept.length).fill(1 / 0.7), 'scale');
  assert.deepEqual(y1, y2);
  assert.notDeepEqual(y1, y3);
  assert.equal(ops.dropout(x, null), x);
  assert.equal(ops.dropout(x, { rate: 0, seed: 1 }), x);
});

test('adamwUpdate matches a hand-computed step, in place', async () => {
  await tf.setBackend('wasm');
  const p = tf.variable(tf.tensor1d([1, -2, 0.5]));
  const m = tf.variable(tf.tensor1d([0.1, 0, -0.2]));
  const v = tf.variable(tf.tensor1d([0.01, 0.04, 0]));
  const g = tf.tensor1d([0.5, -1, 2]);
  const hp = { lr: 0.1, beta1: 0.9, beta2: 0.99, eps: 1e-6, weightDecay: 0.01, step: 3, gradScale: 0.5 };
  ops.adamwUpdate(p, g, m, v, hp);
  const [p0, m0, v0, g0] = [[1, -2, 0.5], [0.1, 0, -0.2], [0.01, 0.04, 0], [0.5, -1, 2]];
  const want = { p: [] as number[], m: [] as number[], v: [] as number[] };
  for (let i = 0; i < 3; i++) {
    const gi = g0![i]! * hp.gradScale;
    const mi = hp.beta1 * m0![i]! + (1 - hp.beta1) * gi;
    const vi = hp.beta2 * v0![i]! + (1 - hp.beta2) * gi * gi;
    const update = mi / (1 - hp.beta1 ** 3) / (Math.sqrt(vi / (1 - hp.beta2 ** 3)) + hp.eps) + hp.weightDecay * p0![i]!;
    want.p.push(p0![i]! - hp.lr * update);
    want.m.push(mi);
    want.v.push(vi);
  }
  assertClose(p.dataSync(), want.p, 'param');
  assertClose(m.dataSync(), want.m, 'm');
  assertClose(v.dataSync(), want.v, 'v');
  tf.dispose([p, m, v, g]);
});
