/**
 * Every entry point of the native addon refuses offsets and sizes that do not fit the heap it is
 * handed: the call throws an error naming the kernel and leaves every byte of the heap as it was.
 * Table-driven: one valid call per kernel (which must succeed, so the table is right), then each
 * offset and size argument replaced, one at a time, by values out of range.
 */
import assert from 'node:assert/strict';
import { before, describe, it, type TestContext } from 'node:test';
import { isDaptError } from '../../../src/errors.ts';
import { loadNative, type NativeAddon } from '../../../src/train/kernels/native/load.ts';
import { exercised, skipOrFail } from '../../_required.ts';

const SLOT = 1024;
const HEAP = 32 * SLOT;
/** Byte offset of the i-th tensor: every tensor below gets its own slot. */
const T = (i: number) => i * SLOT;

interface Case {
  args: number[];
  /** Positions (in args) of byte offsets, of sizes, and of other integers (seeds, thresholds). */
  tensors: number[];
  sizes: number[];
  u32?: number[];
  blas?: boolean;
}

// rows 4 × cols 8 = 32 floats; matrices 4×4; attention B 1, S 4, H 8, N 2.
const cases: Record<Exclude<keyof NativeAddon, 'loadBlas' | 'setThreads' | 'cpuHasAvx512' | 'cpuHasAvx2Fma' | 'variant'>, Case> = {
  geluFwd: { args: [T(0), T(1), 32], tensors: [0, 1], sizes: [2] },
  geluBwd: { args: [T(0), T(1), T(2), 32], tensors: [0, 1, 2], sizes: [3] },
  dropout: { args: [T(0), T(1), 32, 7, 1000, 1.25], tensors: [0, 1], sizes: [2], u32: [3, 4] },
  biasRows: { args: [T(0), T(1), 4, 8], tensors: [0, 1], sizes: [2, 3] },
  addBias: { args: [T(0), T(1), T(2), 4, 8], tensors: [0, 1, 2], sizes: [3, 4] },
  colSum: { args: [T(0), T(1), 4, 8], tensors: [0, 1], sizes: [2, 3] },
  transpose: { args: [T(0), T(1), 2, 4, 8], tensors: [0, 1], sizes: [2, 3, 4] },
  segmentSum: { args: [T(0), T(1), T(2), 4, 8, 3], tensors: [0, 1, 2], sizes: [3, 4, 5] },
  sumSquares: { args: [T(0), 32], tensors: [0], sizes: [1] },
  adamw: { args: [T(0), T(1), T(2), T(3), 32, 0.1, 0.9, 0.99, 1e-8, 0.01, 1, 1, 1], tensors: [0, 1, 2, 3], sizes: [4] },
  layerNormFwd: { args: [T(0), T(1), T(2), T(3), T(4), T(5), 4, 8, 1e-5], tensors: [0, 1, 2, 3, 4, 5], sizes: [6, 7] },
  layerNormBwd: { args: [T(0), T(1), T(2), T(3), T(4), T(5), T(6), T(7), 4, 8], tensors: [0, 1, 2, 3, 4, 5, 6, 7], sizes: [8, 9] },
  softmaxXentFwd: { args: [T(0), T(1), T(2), 4, 8], tensors: [0, 1, 2], sizes: [3, 4] },
  softmaxXentBwd: { args: [T(0), T(1), T(2), T(3), 4, 8, 1], tensors: [0, 1, 2, 3], sizes: [4, 5] },
  sgemm: { args: [0, 1, 4, 4, 4, 1, T(0), 4, T(1), 4, 0, T(2), 4], tensors: [6, 8, 11], sizes: [2, 3, 4, 7, 9, 12], blas: true },
  sgemmBatched: { args: [1, 0, 4, 4, 4, T(0), 16, T(1), 16, T(2), 16, 2], tensors: [5, 7, 9], sizes: [2, 3, 4, 6, 8, 10, 11], blas: true },
  attentionFwd: { args: [T(0), T(1), T(2), T(3), T(4), T(5), 1, 4, 8, 2, 0.5, 1, 9, 1000, 1.25], tensors: [0, 1, 2, 3, 4, 5], sizes: [6, 7, 8, 9], u32: [12, 13], blas: true },
  attentionBwd: { args: [T(0), T(1), T(2), T(3), T(4), T(5), T(6), T(7), T(8), 1, 4, 8, 2, 0.5, 1, 9, 1000, 1.25], tensors: [0, 1, 2, 3, 4, 5, 6, 7, 8], sizes: [9, 10, 11, 12], u32: [15, 16], blas: true },
};

/** Out-of-range replacements, each with what makes it wrong. */
const badOffsets: Array<[number, string]> = [[HEAP, 'at the end'], [HEAP - 4, 'straddling the end'], [-4, 'negative'], [T(3) + 2, 'misaligned'], [1.5, 'fractional'], [Number.NaN, 'NaN'], [2 ** 60, 'huge']];
const badSizes: Array<[number, string]> = [[HEAP, 'larger than the heap'], [-1, 'negative'], [2.5, 'fractional'], [Number.NaN, 'NaN'], [2 ** 60, 'overflowing']];
const badU32: Array<[number, string]> = [[-1, 'negative'], [2.5, 'fractional'], [2 ** 33, 'beyond 32 bits']];

/** A heap of small floats with valid labels/ids (small non-negative int32s) wherever an int32 view reads. */
function freshHeap(): Uint8Array {
  const heap = new Uint8Array(HEAP);
  const f = new Float32Array(heap.buffer);
  for (let i = 0; i < f.length; i++) f[i] = ((i * 7919) % 97) / 97 - 0.5;
  new Int32Array(heap.buffer, T(1), SLOT / 4).fill(2);
  return heap;
}

let addon: NativeAddon | null = null;
let blas = false;
before(() => {
  const status = loadNative(1);
  addon = status.addon;
  blas = status.blas !== null;
  if (addon !== null) exercised(`native kernels (${addon.variant()} build) bounds checks`);
});

function call(name: string, heap: Uint8Array, args: number[]): unknown {
  return (addon as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(heap, ...args);
}

function needs(t: TestContext, c: Case): boolean {
  if (addon === null) {
    skipOrFail(t, 'the native kernels', 'they are not built or did not load');
    return false;
  }
  if (c.blas && !blas) {
    skipOrFail(t, 'OpenBLAS', 'it did not load');
    return false;
  }
  return true;
}

describe('native addon bounds checks', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(`${name}: a valid call runs; every out-of-range offset or size throws naming it and writes nothing`, (t) => {
      if (!needs(t, c)) return;
      assert.doesNotThrow(() => call(name, freshHeap(), c.args), 'the valid call of the table');
      const replacements = [
        ...c.tensors.flatMap((at) => badOffsets.map(([v, why]) => ({ at, v, why: `offset ${why}` }))),
        ...c.sizes.flatMap((at) => badSizes.map(([v, why]) => ({ at, v, why: `size ${why}` }))),
        ...(c.u32 ?? []).flatMap((at) => badU32.map(([v, why]) => ({ at, v, why: `integer ${why}` }))),
      ];
      for (const { at, v, why } of replacements) {
        const heap = freshHeap();
        const before = heap.slice();
        const args = c.args.map((x, i) => (i === at ? v : x));
        assert.throws(
          () => call(name, heap, args),
          (e: unknown) => isDaptError(e) && e.code === 'DAPT_INTERNAL' && e.message.includes(`kernel ${name}:`),
          `argument ${at} ${why} (${v})`,
        );
        assert.deepEqual(heap, before, `argument ${at} ${why}: the heap was written`);
      }
      assert.throws(() => call(name, freshHeap(), c.args.slice(1)), new RegExp(`kernel ${name}: called with`));
      assert.throws(() => (addon as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(new Float32Array(HEAP / 4), ...c.args), new RegExp(`kernel ${name}: the first argument`));
    });
  }
});
