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
  a.setThreads(threads);
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
  addon.setThreads(2);
  assert.equal(two[0], one[0], 'cross-entropy');
  assert.equal(two[1], one[1], 'sum of squares');
  assert.ok(Buffer.from(two[2] as Uint8Array).equals(Buffer.from(one[2] as Uint8Array)), 'layer norm outputs, gradients or column sums differ');
  exercised('thread-count independence (native kernels, 1 vs 2 threads)');
});

/** One product of each layout, with 1 and then 2 threads, on one heap; returns the outputs. */
function products(a: NativeAddon, threads: number, m: number, n: number, k: number, batch: number): Buffer[] {
  a.setThreads(threads);
  const outs: Buffer[] = [];
  for (const [ta, tb] of [[0, 0], [0, 1], [1, 0], [1, 1]] as const) {
    const { heap, at } = heapWith([randomArray(batch * m * k, 5), randomArray(batch * k * n, 6), new Float32Array(batch * m * n)], new Int32Array(0));
    const [aa, ab, ac] = at as [number, number, number];
    if (batch === 1) a.sgemm(heap, ta, tb, m, n, k, 1, aa, ta ? m : k, ab, tb ? k : n, 0, ac, n);
    else a.sgemmBatched(heap, ta, tb, m, n, k, aa, m * k, ab, k * n, ac, m * n, batch);
    outs.push(Buffer.from(heap.buffer, ac, batch * m * n * 4));
  }
  return outs;
}

it('matrix products (tall, wide, batched, every transpose): same bits on 1 and 2 threads', (t) => {
  if (addon === null) return skipOrFail(t, 'the native kernels', 'they are not built or did not load');
  const blas = loadNative(2).blas;
  if (blas === null) return skipOrFail(t, 'OpenBLAS', 'the addon found no BLAS library');
  // above the split cut-off, cut by rows (m ≥ n) and by columns (n > m), and an attention batch
  for (const [m, n, k, batch] of [[512, 256, 256, 1], [64, 4000, 256, 1], [100, 300, 50, 1], [32, 32, 16, 24]] as const) {
    const one = products(addon, 1, m, n, k, batch);
    const two = products(addon, 2, m, n, k, batch);
    one.forEach((o, i) => assert.ok(two[i]!.equals(o), `${m}×${k}·${k}×${n} (batch ${batch}, layout ${i}) differs between 1 and 2 threads`));
  }
  addon.setThreads(2);
  exercised('thread-count independence (native matrix products, 1 vs 2 threads)');
});
