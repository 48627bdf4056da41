import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localDefaultSlots, threadsPerHeavyStage, visibleGpus } from '../../src/execute/concurrency.ts';

const GiB = 1024 ** 3;

test('one training stage at a time on a 2-core box, more where cores and memory allow', () => {
  assert.deepEqual(localDefaultSlots(2, 20 * GiB), { heavy: 1, total: 3 });
  assert.deepEqual(localDefaultSlots(16, 64 * GiB), { heavy: 4, total: 6 });
  assert.deepEqual(localDefaultSlots(16, 6 * GiB), { heavy: 1, total: 3 });
});

test('parallel heavy stages share the cores instead of each taking all of them', () => {
  assert.equal(threadsPerHeavyStage(1, 2), null);
  assert.equal(threadsPerHeavyStage(2, 2), 1);
  assert.equal(threadsPerHeavyStage(3, 16), 5);
  assert.equal(threadsPerHeavyStage(4, 2), 1);
});

test('with GPUs: one heavy stage per GPU, each with its own device', () => {
  assert.deepEqual(localDefaultSlots(2, 20 * GiB, ['0']), { heavy: 1, total: 3, devices: ['0'] });
  assert.deepEqual(localDefaultSlots(8, 20 * GiB, ['0', '1', '2', '3']), { heavy: 4, total: 6, devices: ['0', '1', '2', '3'] });
});

test('visible GPUs: CUDA_VISIBLE_DEVICES when set, else those the driver lists, none without the GPU binding', () => {
  const driver = () => ['0000:3b:00.0', '0000:af:00.0'];
  const rows: Array<[string, NodeJS.ProcessEnv, boolean, string[]]> = [
    ['driver listing', {}, true, ['0', '1']],
    ['a subset given', { CUDA_VISIBLE_DEVICES: '2, 3' }, true, ['2', '3']],
    ['hidden on purpose', { CUDA_VISIBLE_DEVICES: '' }, true, []],
    ['hidden with -1', { CUDA_VISIBLE_DEVICES: '-1' }, true, []],
    ['no binding to use them', {}, false, []],
  ];
  for (const [what, env, binding, expected] of rows) assert.deepEqual(visibleGpus(env, driver, binding), expected, what);
});
