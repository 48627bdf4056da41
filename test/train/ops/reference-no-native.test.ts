// Plain wasm without dapt's native addon: reference ops, matrix products routed to XNNPACK.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { currentBackend } from '../../../src/train/backend/index.ts';
import { getTrainOps } from '../../../src/train/ops/index.ts';
import { referenceOps } from '../../../src/train/ops/reference.ts';
import { assertSameOnBackends, setUpBackends } from './_compare.ts';
import { opCases } from './_cases.ts';

before(async () => {
  process.env.DAPT_NATIVE = '0';
  await setUpBackends();
});

test('without native kernels the reference ops run and the backend says why', () => {
  assert.equal(getTrainOps().name, 'reference');
  assert.equal(currentBackend()!.blas, null);
  assert.ok(currentBackend()!.notes.some((n) => n.includes('DAPT_NATIVE=0')));
  // products run on XNNPACK, so the multi-threaded wasm build is loaded with one thread per core
  assert.equal(currentBackend()!.threads, availableParallelism());
});

for (const c of opCases) {
  test(`without native kernels, ${c.name}: wasm matches cpu`, async () => {
    await assertSameOnBackends(c.compute(referenceOps), c.name);
  });
}
