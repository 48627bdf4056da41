import { before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { currentBackend } from '../../../src/train/backend/index.ts';
import { nativeAddon } from '../../../src/train/kernels/native/load.ts';
import { getTrainOps } from '../../../src/train/ops/index.ts';
import { referenceOps } from '../../../src/train/ops/reference.ts';
import type { TrainOps } from '../../../src/train/ops/types.ts';
import { assertClose, on, randomArray, setUpBackends } from './_compare.ts';
import { opCases } from './_cases.ts';
import { exercised, skipOrFail } from '../../_required.ts';

let fused: TrainOps;
before(async () => {
  await setUpBackends();
  fused = getTrainOps();
  if (fused.name === 'fused') exercised(`native kernels with OpenBLAS (${nativeAddon()!.variant()} build): ${currentBackend()!.blas}`);
});

/** The native kernels with OpenBLAS are what this file tests; without them it skips (or fails in CI). */
const skipUnlessFused = (t: TestContext) => {
  if (fused.name !== 'fused') skipOrFail(t, 'the native kernels with OpenBLAS', `the ops are '${fused.name}' (${currentBackend()!.notes.join('; ') || 'no reason given'})`);
  return fused.name !== 'fused';
};

for (const c of opCases) {
  test(`fused ${c.name}: wasm matches the reference on cpu`, async (t) => {
    if (skipUnlessFused(t)) return;
    const expected = await on('cpu', c.compute(referenceOps));
    const actual = await on('wasm', c.compute(fused));
    assert.equal(actual.length, expected.length);
    actual.forEach((a, i) => assertClose(a, expected[i]!, `${c.name} [output ${i}]`));
  });
}

function adamwCase(ops: TrainOps, shared: boolean): Float32Array[] {
  const init = tf.tensor1d([1, -2, 0.5, 3]);
  const p = tf.variable(shared ? init : init.clone());
  const m = tf.variable(tf.tensor1d([0.1, 0, -0.2, 1]));
  const v = tf.variable(tf.tensor1d([0.01, 0.04, 0, 2]));
  const hp = { lr: 0.1, beta1: 0.9, beta2: 0.99, eps: 1e-6, weightDecay: 0.01, step: 3, gradScale: 0.5 };
  ops.adamwUpdate(p, tf.tensor1d([0.5, -1, 2, -3]), m, v, hp);
  ops.adamwUpdate(p, tf.tensor1d([0.25, 1, -2, 0]), m, v, { ...hp, step: 4 });
  const out = [p, m, v, init].map((t) => Float32Array.from(t.dataSync()));
  tf.dispose([p, m, v, init]);
  return out;
}

test('fused adamwUpdate matches the reference over two steps, and never writes a shared buffer', async (t) => {
  if (skipUnlessFused(t)) return;
  for (const shared of [false, true]) {
    const expected = await on('cpu', () => tf.tensor(adamwCase(referenceOps, shared).flatMap((a) => Array.from(a))));
    const actual = await on('wasm', () => tf.tensor(adamwCase(fused, shared).flatMap((a) => Array.from(a))));
    assertClose(actual[0]!, expected[0]!, `adamw (shared=${shared})`);
    // the tensor the parameter was made from keeps its values
    assert.deepEqual(Array.from(actual[0]!.slice(12)), [1, -2, 0.5, 3]);
  }
});

test('fused dropout draws exactly the reference mask', async (t) => {
  if (skipUnlessFused(t)) return;
  const x = () => tf.ones([3, 1000]);
  const [a] = await on('wasm', () => fused.dropout(x(), { rate: 0.15, seed: 123456789 }));
  const [b] = await on('cpu', () => referenceOps.dropout(x(), { rate: 0.15, seed: 123456789 }));
  assert.deepEqual(a, b);
});

test('fused kernels give bit-identical results run after run (threads split work statically)', async (t) => {
  if (skipUnlessFused(t)) return;
  const big = (shape: number[], seed: number) => tf.tensor(randomArray(shape.reduce((a, b) => a * b, 1), seed), shape);
  const compute = () => {
    const grads = tf.grads((x: tf.Tensor, g: tf.Tensor, q: tf.Tensor, l: tf.Tensor) =>
      tf.addN([
        tf.sum(tf.mul(fused.layerNorm(x, g as tf.Tensor1D, tf.zeros([256]) as tf.Tensor1D, 1e-5), big([300, 256], 5))),
        tf.sum(tf.mul(fused.selfAttention(q as tf.Tensor3D, q as tf.Tensor3D, q as tf.Tensor3D, tf.ones([4, 32]) as tf.Tensor2D, 4, { rate: 0.1, seed: 3 }), big([4, 32, 64], 6))),
        fused.softmaxCrossEntropy(l as tf.Tensor2D, tf.tensor1d(Array.from({ length: 64 }, (_, i) => (i * 37) % 1000), 'int32')),
      ]),
    );
    const gs = grads([big([300, 256], 1), big([256], 2), big([4, 32, 64], 3), big([64, 1000], 4)]);
    return [...gs, fused.globalNorm(gs)];
  };
  const first = await on('wasm', compute);
  const second = await on('wasm', compute);
  first.forEach((a, i) => assert.deepEqual(a, second[i], `output ${i}`));
});

test('the native kernels run their widest build this CPU supports', (t) => {
  const addon = nativeAddon();
  if (addon === null) return skipOrFail(t, 'the native kernels', currentBackend()!.notes.join('; ') || 'they did not load');
  assert.equal(addon.variant(), addon.cpuHasAvx2Fma() ? 'avx2' : 'baseline', currentBackend()!.notes.join('; '));
});
