/** One heavy stage per GPU: the scheduler hands each heavy stage a device no other running stage holds. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Scheduler } from '../../src/execute/scheduler.ts';
import type { Executor } from '../../src/execute/types.ts';
import { inProcessExecutor, withEnv } from './_in-process.ts';
import { planOf, schedulerOptions, tinyStudy } from './_study.ts';

test('each heavy stage sees one GPU that no running stage holds; light stages see none', async (t) => {
  const study = await tinyStudy(t, { arms: ['dapt', 'tapt'], seeds: [1, 2] });
  withEnv(t, { DAPT_FAKE_MARKER: study.marker, DAPT_FAKE_STEPS: '2' });
  const plan = await planOf(study);
  const devices = ['0', '1'];
  const inner = inProcessExecutor();
  const held = new Set<string>();
  const seen: Array<{ heavy: boolean; device: string | undefined }> = [];
  const executor: Executor = {
    ...inner,
    async start(job) {
      const device = job.env['CUDA_VISIBLE_DEVICES'];
      seen.push({ heavy: job.heavy, device });
      if (device !== undefined) {
        assert.ok(!held.has(device), `device ${device} is already held by a running stage`);
        held.add(device);
      }
      const handle = await inner.start(job);
      return { ...handle, exited: handle.exited.finally(() => device !== undefined && held.delete(device)) };
    },
  };
  const result = await new Scheduler(schedulerOptions(study, plan, { executor, slots: { total: 4, heavy: devices.length, devices } })).run();
  assert.equal(result.failures.length, 0);
  assert.equal(inner.peak.heavy, devices.length, 'both GPUs were in use at once');
  for (const s of seen) {
    if (s.heavy) assert.ok(s.device !== undefined && devices.includes(s.device), `a heavy stage got ${s.device}`);
    else assert.equal(s.device, undefined);
  }
  assert.ok(seen.some((s) => !s.heavy), 'the study has light stages too');
});
