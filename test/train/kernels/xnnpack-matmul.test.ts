// Without native BLAS, BatchMatMul routes every product to XNNPACK.
import { before, test } from 'node:test';
import { assertSameOnBackends, setUpBackends } from '../ops/_compare.ts';
import { matMulCases, matMulGradient } from './_matmul-cases.ts';

before(async () => {
  process.env.DAPT_NATIVE = '0';
  await setUpBackends();
});

test('BatchMatMul on XNNPACK matches cpu for every transpose combination, batches and broadcasting', async () => {
  await assertSameOnBackends(matMulCases, 'matMul');
});

test('the gradient of a transposed matMul on XNNPACK matches cpu', async () => {
  await assertSameOnBackends(matMulGradient, 'matMul gradient');
});
