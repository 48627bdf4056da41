/** Test helpers: run the same computation on the cpu and wasm backends and compare. */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/train/backend/index.ts';

export async function setUpBackends(): Promise<void> {
  await initBackend('wasm');
}

/** Deterministic pseudo-random floats in [-scale, scale). */
export function randomArray(size: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(size);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 4294967296 * 2 - 1) * scale;
  }
  return out;
}

export function randomInts(size: number, seed: number, max: number): Int32Array {
  return Int32Array.from(randomArray(size, seed), (x) => Math.floor(((x + 1) / 2) * max) % max);
}

/** Runs `f` with `backend` active and returns every output's values (tensors disposed). */
export async function on<T extends tf.Tensor | tf.Tensor[]>(backend: 'cpu' | 'wasm', f: () => T): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const result = tf.tidy(f);
  const list = Array.isArray(result) ? result : [result];
  const values = list.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(list);
  await tf.setBackend('wasm');
  return values;
}

/** Elementwise |a-b| <= atol + rtol·|b|. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rtol = 1e-4, atol = 1e-5): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      assert.fail(`${what}: element ${i} is ${a}, expected ${e}`);
    }
  }
}

/** Value and gradients of sum(f(xs)·r) for a fixed random r, so every output element matters. */
export function valueAndGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: () => tf.Tensor[], seed = 99): () => tf.Tensor[] {
  return () => {
    const inputs = xs();
    let weights: tf.Tensor | null = null;
    const g = tf.grads((...args: tf.Tensor[]) => {
      const y = f(...args);
      weights ??= tf.tensor(randomArray(y.size, seed), y.shape);
      return tf.sum(tf.mul(y, weights));
    });
    return [f(...inputs), ...g(inputs)];
  };
}

/** Asserts the wasm results of `compute` match the cpu backend's. */
export async function assertSameOnBackends(compute: () => tf.Tensor[], what: string, rtol = 1e-4, atol = 1e-5): Promise<void> {
  const expected = await on('cpu', compute);
  const actual = await on('wasm', compute);
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assertClose(a, expected[i]!, `${what} [output ${i}]`, rtol, atol));
}
