// The portable build of the native kernels (x86-64-v2, no wide vectors), as a node without AVX2
// runs it: the same results as the reference, as the avx2 build gives in fused.test.ts.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { currentBackend } from '../../../src/train/backend/index.ts';
import { nativeAddon } from '../../../src/train/kernels/native/load.ts';
import { getTrainOps } from '../../../src/train/ops/index.ts';
import { referenceOps } from '../../../src/train/ops/reference.ts';
import type { TrainOps } from '../../../src/train/ops/types.ts';
import { assertClose, on, setUpBackends } from './_compare.ts';
import { opCases } from './_cases.ts';
import { exercised, skipOrFail } from '../../_required.ts';

let ops: TrainOps;
before(async () => {
  process.env.DAPT_NATIVE_VARIANT = 'baseline';
  await setUpBackends();
  ops = getTrainOps();
  if (ops.name === 'fused') exercised(`native kernels with OpenBLAS (${nativeAddon()!.variant()} build)`);
});

test('DAPT_NATIVE_VARIANT=baseline loads the baseline build, and says so', (t) => {
  if (nativeAddon() === null) return skipOrFail(t, 'the native kernels', currentBackend()!.notes.join('; ') || 'they did not load');
  assert.equal(nativeAddon()!.variant(), 'baseline');
  assert.ok(currentBackend()!.notes.some((n) => n.includes('DAPT_NATIVE_VARIANT=baseline')));
});

for (const c of opCases) {
  test(`baseline build, ${c.name}: wasm matches the reference on cpu`, async (t) => {
    if (ops.name !== 'fused') return skipOrFail(t, 'the native kernels with OpenBLAS', currentBackend()!.notes.join('; ') || `the ops are '${ops.name}'`);
    const expected = await on('cpu', c.compute(referenceOps));
    const actual = await on('wasm', c.compute(ops));
    actual.forEach((a, i) => assertClose(a, expected[i]!, `${c.name} [output ${i}]`));
  });
}
