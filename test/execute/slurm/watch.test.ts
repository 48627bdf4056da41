/** `dapt status`'s view of a plan: following a detached run's jobs to the end, and closing that run. */
import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { test } from 'node:test';
import { createSlurmExecutor } from '../../../src/execute/slurm/executor.ts';
import { finaliseRecords } from '../../../src/execute/slurm/finalise.ts';
import { isOrphaned, readRecords } from '../../../src/execute/slurm/record.ts';
import { formatSnapshot } from '../../../src/execute/snapshot.ts';
import { SlurmWatch } from '../../../src/execute/slurm/watch.ts';
import type { ExecEvent } from '../../../src/execute/types.ts';
import type { Plan } from '../../../src/plan/types.ts';
import { withEnv } from '../_in-process.ts';
import { planOf, stageOf, tinyStudy, type TinyStudy } from '../_study.ts';
import { FakeCluster } from './_fake-cluster.ts';

async function detachedRun(study: TinyStudy, plan: Plan, cluster: FakeCluster): Promise<void> {
  const executor = createSlurmExecutor(
    { storeDir: study.store, env: process.env, daptCommand: ['/usr/bin/node', '/opt/dapt/bin/dapt.js'], execution: null, profile: { file: 'p', executor: 'slurm', jobs: null, slurm: { pollSeconds: 0.01 } } },
    cluster,
  );
  const run = executor.schedule!({
    plan,
    storeDir: study.store,
    retry: 0,
    force: new Set(),
    verify: false,
    specDefaults: { storeDir: study.store, dataRoot: study.env['DAPT_DATA']!, backend: 'auto', checkpointEverySeconds: 300, trainer: 'fake' },
    tracker: null,
    onEvent: () => undefined,
  });
  run.detach!();
  assert.equal((await run.run()).detached, true);
}

test('status follows a detached run\'s jobs to the end, then writes its report and drops its record', async (t) => {
  const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1] });
  withEnv(t, { DAPT_FAKE_MARKER: study.marker, DAPT_FAKE_STEPS: '2' });
  const plan = await planOf(study);
  const cluster = new FakeCluster();
  await detachedRun(study, plan, cluster);

  const before = new SlurmWatch({ plan, storeDir: study.store, client: cluster, pollMs: 10, onEvent: () => undefined });
  await before.snapshot();
  assert.ok(before.liveJobs().length > 0);
  assert.match(formatSnapshot(before.stages), new RegExp(`^${plan.stages.length} stages: .*waiting`));
  assert.match(formatSnapshot(before.stages), /waiting {5}aggregate tiny \[\w{8}\]: Slurm job \d+ \(Dependency\)/);

  const events: ExecEvent[] = [];
  const watch = new SlurmWatch({ plan, storeDir: study.store, client: cluster, pollMs: 10, onEvent: (e) => events.push(e) });
  const result = await watch.follow();
  assert.equal(result.failures.length, 0);
  assert.ok([...result.states.values()].every((s) => s === 'done' || s === 'cached'));
  assert.deepEqual(watch.liveJobs(), []);
  assert.ok(events.some((e) => e.type === 'state' && e.state === 'running'));

  const records = await readRecords(study.store);
  assert.equal(records.length, 1);
  assert.ok(isOrphaned(records[0]!));
  const finalised = await finaliseRecords({ plan, storeDir: study.store, env: process.env, records });
  assert.equal(finalised.records, 1);
  assert.equal(finalised.reportError, null);
  await access(finalised.report!.markdownPath);
  assert.deepEqual(await readRecords(study.store), []);
});

test('status of a failed detached run: the failure and everything below it', async (t) => {
  const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1] });
  withEnv(t, { DAPT_FAKE_MARKER: study.marker, DAPT_FAKE_STEPS: '2', DAPT_FAKE_FAIL: 'pretrain' });
  const plan = await planOf(study);
  const cluster = new FakeCluster();
  await detachedRun(study, plan, cluster);
  const watch = new SlurmWatch({ plan, storeDir: study.store, client: cluster, pollMs: 10, onEvent: () => undefined });
  const result = await watch.follow();
  const pretrain = stageOf(plan, 'pretrain');
  assert.deepEqual(result.failures.map((f) => f.stage.key), [pretrain.key]);
  assert.match(result.failures[0]!.reason, /exited with code 1/);
  for (const s of plan.stages.filter((x) => x.title.includes('[dapt]') || x.kind === 'aggregate')) assert.equal(result.states.get(s.key), 'blocked', s.title);
  assert.equal(result.states.get(stageOf(plan, 'evaluate', 'baseline').key), 'done');

  // Once everything has ended, a fresh look reads it all from the store.
  const later = new SlurmWatch({ plan, storeDir: study.store, client: cluster, pollMs: 10, onEvent: () => undefined });
  await later.snapshot();
  assert.equal(later.stages.find((w) => w.stage.key === pretrain.key)!.state, 'failed');
  assert.match(formatSnapshot(later.stages), /failed {6}pretrain/);
});
