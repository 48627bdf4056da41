import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localDefaultSlots, threadsPerHeavyStage } from '../../src/execute/concurrency.ts';

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
