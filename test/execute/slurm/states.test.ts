import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyEnded, isStuckReason, jobPhase, type EndedJob } from '../../../src/execute/slurm/states.ts';

test('Slurm states to phases; unknown states are never taken for ended', () => {
  const rows: Array<[string, string]> = [
    ['PENDING', 'queued'],
    ['REQUEUED', 'queued'],
    ['CONFIGURING', 'queued'],
    ['RUNNING', 'running'],
    ['COMPLETING', 'running'],
    ['SUSPENDED', 'running'],
    ['COMPLETED', 'ended'],
    ['FAILED', 'ended'],
    ['CANCELLED', 'ended'],
    ['CANCELLED+', 'ended'],
    ['TIMEOUT', 'ended'],
    ['OUT_OF_MEMORY', 'ended'],
    ['NODE_FAIL', 'ended'],
    ['PREEMPTED', 'ended'],
    ['SOME_NEW_STATE', 'running'],
  ];
  for (const [state, phase] of rows) assert.equal(jobPhase(state), phase, state);
});

test('pending reasons that mean the job will not start by itself', () => {
  assert.equal(isStuckReason('PartitionTimeLimit'), true);
  assert.equal(isStuckReason('ReqNodeNotAvail, UnavailableNodes:n1'), true);
  assert.equal(isStuckReason('Priority'), false);
  assert.equal(isStuckReason('Resources'), false);
  assert.equal(isStuckReason(null), false);
});

const base: EndedJob = { slurmState: 'COMPLETED', reason: null, slurmExit: null, stageDone: false, exitCode: null, cancelledByUs: false };

test('an ended job: the stage directory has the last word', () => {
  const rows: Array<{ name: string; job: Partial<EndedJob>; state: string; text?: RegExp }> = [
    { name: 'manifest verifies', job: { stageDone: true, exitCode: 0 }, state: 'done' },
    { name: 'done even if Slurm says it failed afterwards', job: { stageDone: true, slurmState: 'FAILED' }, state: 'done' },
    { name: 'done and purged', job: { stageDone: true, slurmState: null }, state: 'done' },
    { name: 'cancelled because a parent failed', job: { slurmState: 'CANCELLED', reason: 'DependencyNeverSatisfied' }, state: 'blocked', text: /depends on failed/ },
    { name: 'exit code written', job: { slurmState: 'FAILED', exitCode: 1 }, state: 'failed', text: /exited with code 1/ },
    { name: 'exit code, job purged', job: { slurmState: null, exitCode: 2 }, state: 'failed', text: /exited with code 2/ },
    { name: 'exit 0 without a manifest', job: { exitCode: 0 }, state: 'failed', text: /manifest does not verify/ },
    { name: 'time limit: checkpointed', job: { slurmState: 'TIMEOUT', exitCode: 130 }, state: 'failed', text: /time limit.*re-run resumes/ },
    { name: 'cancelled by us, checkpointed', job: { slurmState: 'CANCELLED', exitCode: 130, cancelledByUs: true }, state: 'interrupted' },
    { name: 'cancelled by us before it started', job: { slurmState: 'CANCELLED', cancelledByUs: true }, state: 'interrupted' },
    { name: 'cancelled by us but it had failed on its own', job: { slurmState: 'FAILED', exitCode: 1, cancelledByUs: true }, state: 'failed' },
    { name: 'out of memory, killed before writing', job: { slurmState: 'OUT_OF_MEMORY', slurmExit: { code: 0, signal: 9 } }, state: 'failed', text: /OUT_OF_MEMORY.*signal 9/ },
    { name: 'node failure', job: { slurmState: 'NODE_FAIL', reason: 'NodeDown' }, state: 'failed', text: /NODE_FAIL \(NodeDown\)/ },
    { name: 'purged without a trace', job: { slurmState: null }, state: 'failed', text: /left the queue without/ },
  ];
  for (const r of rows) {
    const out = classifyEnded({ ...base, ...r.job }, '42');
    assert.equal(out.state, r.state, r.name);
    if (r.text) {
      const text = 'reason' in out ? out.reason : 'detail' in out ? out.detail : '';
      assert.match(text, r.text, r.name);
      assert.match(text, /42/, `${r.name}: names the job`);
    }
  }
});
