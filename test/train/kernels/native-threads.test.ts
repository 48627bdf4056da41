/**
 * The native kernels give the same bits with 1 and with 2 threads: reductions are cut into chunks
 * of a fixed size, not one per thread (native/src/parallel.h). Inputs are above the addon's serial
 * cut-off, so 2 threads do split the work. The stage-level check is test/train/threads.test.ts.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { loadNative, type NativeAddon } from '../../../src/train/kernels/native/load.ts';
import { exercised, skipOrFail } from '../../_required.ts';
import { randomArray } from '../ops/_compare.ts';

const ROWS = 1000;
const COLS = 384;
const N = ROWS * COLS;
let addon: NativeAddon | null = null;
before(() => {
  addon = loadNative(2).addon;
});

/** Lays out float arrays (and one int32 array of labels) on a fresh heap; returns their offsets. */
function heapWith(arrays: Float32Array[], labels: Int32Array): { heap: Uint8Array; at: number[]; labelsAt: number } {
  const bytes = arrays.reduce((s, a) => s + a.byteLength, 0) + labels.byteLength;
  const heap = new Uint8Array(bytes);
  const at: number[] = [];
  let offset = 0;
  for (const a of arrays) {
    heap.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    at.push(offset);
    offset += a.byteLength;
  }
  heap.set(new Uint8Array(labels.buffer), offset);
  return { heap, at, labelsAt: offset };
}

/** Runs every reducing kernel once with `threads` threads; returns all their outputs. */
function reductions(a: NativeAddon, threads: number): unknown[] {
  a.setThreads(threads, threads);
  const x = randomArray(N, 1);
  const dy = randomArray(N, 2);
  const gamma = randomArray(COLS, 3);
  const labels = Int32Array.from({ length: ROWS }, (_, i) => (i * 37) % COLS);
  const zeros = (n: number) => new Float32Array(n);
  // x, dy, gamma, beta, y, mean, rstd, dx, dgamma, dbeta, lse, colsum
  const { heap, at, labelsAt } = heapWith([x, dy, gamma, zeros(COLS), zeros(N), zeros(ROWS), zeros(ROWS), zeros(N), zeros(COLS), zeros(COLS), zeros(ROWS), zeros(COLS)], labels);
  const [ax, ady, agamma, abeta, ay, amean, arstd, adx, adgamma, adbeta, alse, acol] = at as [number, number, number, number, number, number, number, number, number, number, number, number];
  a.layerNormFwd(heap, ax, agamma, abeta, ay, amean, arstd, ROWS, COLS, 1e-5);
  a.layerNormBwd(heap, ady, ax, agamma, amean, arstd, adx, adgamma, adbeta, ROWS, COLS);
  const loss = a.softmaxXentFwd(heap, ax, labelsAt, alse, ROWS, COLS);
  const squares = a.sumSquares(heap, ax, N);
  a.colSum(heap, ax, acol, ROWS, COLS);
  return [loss, squares, heap];
}

it('layer norm (forward and backward), cross-entropy, sum of squares and column sums: same bits on 1 and 2 threads', (t) => {
  if (addon === null) return skipOrFail(t, 'the native kernels', 'they are not built or did not load');
  const one = reductions(addon, 1);
  const two = reductions(addon, 2);
  addon.setThreads(2, 2);
  assert.equal(two[0], one[0], 'cross-entropy');
  assert.equal(two[1], one[1], 'sum of squares');
  assert.ok(Buffer.from(two[2] as Uint8Array).equals(Buffer.from(one[2] as Uint8Array)), 'layer norm outputs, gradients or column sums differ');
  exercised('thread-count independence (native kernels, 1 vs 2 threads)');
});
