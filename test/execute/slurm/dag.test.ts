/** The Slurm DAG runner's decisions against an in-memory cluster (stages run in this process). */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { isDaptError } from '../../../src/errors.ts';
import { stagePaths } from '../../../src/store/layout.ts';
import { tryAcquireLock } from '../../../src/execute/lock.ts';
import { Scheduler, type SchedulerOptions } from '../../../src/execute/scheduler.ts';
import { createSlurmExecutor } from '../../../src/execute/slurm/executor.ts';
import { readRecords } from '../../../src/execute/slurm/record.ts';
import type { DagRun, ExecEvent } from '../../../src/execute/types.ts';
import type { Plan } from '../../../src/plan/types.ts';
import { inProcessExecutor, withEnv } from '../_in-process.ts';
import { count, finalMetrics, planOf, readMarker, stageOf, tinyStudy, waitFor, type TinyStudy } from '../_study.ts';
import { FakeCluster } from './_fake-cluster.ts';

function options(study: TinyStudy, plan: Plan, store: string, over: Partial<SchedulerOptions>, events: ExecEvent[]): SchedulerOptions {
  return {
    plan,
    storeDir: store,
    executor: inProcessExecutor(),
    slots: { total: 4, heavy: 1 },
    retry: 0,
    force: new Set(),
    verify: false,
    specDefaults: { storeDir: store, dataRoot: study.env['DAPT_DATA']!, backend: 'auto', checkpointEverySeconds: 300, trainer: 'fake' },
    tracker: null,
    onEvent: (e) => events.push(e),
    lockPollMs: 10,
    ...over,
  };
}

function slurmRun(study: TinyStudy, plan: Plan, over: Partial<SchedulerOptions> = {}, cluster = new FakeCluster()) {
  const events: ExecEvent[] = [];
  const executor = createSlurmExecutor(
    { storeDir: study.store, env: process.env, daptCommand: ['/usr/bin/node', '/opt/dapt/bin/dapt.js'], execution: null, profile: { file: 'p', executor: 'slurm', jobs: null, slurm: { pollSeconds: 0.01 } } },
    cluster,
  );
  const run: DagRun = executor.schedule!(options(study, plan, study.store, over, events));
  return { run, cluster, events };
}

const stageJobs = (c: FakeCluster) => c.history.filter((j) => j.name !== 'dapt-store-check');
const keyOf = (dir: string) => dir.split('/').pop()!;

test('every stage is submitted up front, waiting on its parents\' jobs; results equal the local scheduler\'s', async (t) => {
  const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1, 2] });
  withEnv(t, { DAPT_FAKE_MARKER: study.marker, DAPT_FAKE_STEPS: '3' });
  const plan = await planOf(study);
  const { run, cluster, events } = slurmRun(study, plan);
  const result = await run.run();
  assert.equal(result.failures.length, 0);
  assert.ok([...result.states.values()].every((s) => s === 'done'));

  assert.equal(cluster.history[0]!.name, 'dapt-store-check', 'the store is checked first');
  const jobs = stageJobs(cluster);
  assert.equal(jobs.length, plan.stages.length, 'one job per stage');
  const jobOf = new Map(jobs.map((j) => [keyOf(j.dir), j.id]));
  for (const stage of plan.stages) {
    const job = jobs.find((j) => keyOf(j.dir) === stage.key)!;
    assert.deepEqual(job.dependencies.sort(), stage.parents.map((p) => jobOf.get(p)!).sort(), `${stage.title} waits on its parents' jobs`);
  }
  // All were submitted before any ran: the first submission event comes before the first running one.
  const firstRunning = events.findIndex((e) => e.type === 'state' && e.state === 'running');
  const submissions = events.filter((e, i) => e.type === 'state' && e.detail?.startsWith('submitted as Slurm job') && i < firstRunning);
  assert.equal(submissions.length, plan.stages.length);
  assert.deepEqual(await readdir(join(study.store, 'slurm', 'submissions')), [], 'the record is removed when all jobs were seen to end');
  for (const s of plan.stages) assert.equal(await readFile(stagePaths(study.store, s.key).lock, 'utf8').catch(() => null), null, 'locks released');

  const local = { ...study, store: join(study.dir, 'local') };
  const scheduler = new Scheduler(options(study, plan, local.store, { specDefaults: { storeDir: local.store, dataRoot: study.env['DAPT_DATA']!, backend: 'auto', checkpointEverySeconds: 300, trainer: 'fake' } }, []));
  assert.equal((await scheduler.run()).failures.length, 0);
  assert.deepEqual(await finalMetrics(study.store), await finalMetrics(local.store));
});

test('done stages are not submitted and nobody waits on them', async (t) => {
  const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1] });
  withEnv(t, { DAPT_FAKE_MARKER: study.marker, DAPT_FAKE_STEPS: '2' });
  const plan = await planOf(study);
  await slurmRun(study, plan).run.run();
  const finetune = stageOf(plan, 'finetune', 'dapt');
  const again = slurmRun(study, plan, { force: new Set([finetune.key]) });
  const result = await again.run.run();
  assert.equal(result.states.get(finetune.key), 'done');
  assert.equal([...result.states.values()].filter((s) => s === 'cached').length, plan.stages.length - 1);
  const jobs = stageJobs(again.cluster);
  assert.deepEqual(jobs.map((j) => [keyOf(j.dir), j.dependencies]), [[finetune.key, []]], 'only the forced stage, waiting on nothing');
  assert.equal(again.cluster.history.filter((j) => j.name === 'dapt-store-check').length, 0, 'a store that passed the check is not checked again');
});

test('a failed stage blocks its dependents (Slurm cancels their jobs); the independent branch finishes', async (t) => {
  const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1] });
  withEnv(t, { DAPT_FAKE_MARKER: study.marker, DAPT_FAKE_STEPS: '2', DAPT_FAKE_FAIL: 'pretrain' });
  const plan = await planOf(study);
  const { run, cluster } = slurmRun(study, plan);
  const result = await run.run();
  const pretrain = stageOf(plan, 'pretrain');
  assert.deepEqual(result.failures.map((f) => f.stage.key), [pretrain.key]);
  assert.match(result.failures[0]!.reason, /Slurm job \d+.*exited with code 1/);
  for (const s of plan.stages) {
    const below = s.title.includes('dapt') && s.kind !== 'pretrain' || s.kind === 'aggregate';
    assert.equal(result.states.get(s.key), s.key === pretrain.key ? 'failed' : below ? 'blocked' : 'done', s.title);
  }
  const cancelled = cluster.history.filter((j) => j.reason === 'DependencyNeverSatisfied').map((j) => keyOf(j.dir));
  assert.ok(cancelled.includes(stageOf(plan, 'finetune', 'dapt').key));
  const marker = await readMarker(study);
  assert.equal(count(marker, 'start', stageOf(plan, 'finetune', 'dapt').key), 0, 'a blocked stage never starts');
  for (const s of plan.stages) assert.equal(await readFile(stagePaths(study.store, s.key).lock, 'utf8').catch(() => null), null, 'locks released');
});

test('--retry resubmits the failed stage and the dependents Slurm cancelled, waiting on the new job', async (t) => {
  const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1] });
  withEnv(t, { DAPT_FAKE_MARKER: study.marker, DAPT_FAKE_STEPS: '2', DAPT_FAKE_FAIL: 'pretrain', DAPT_FAKE_FAIL_TIMES: '1' });
  const plan = await planOf(study);
  const { run, cluster } = slurmRun(study, plan, { retry: 1 });
  const result = await run.run();
  assert.equal(result.failures.length, 0);
  assert.ok([...result.states.values()].every((s) => s === 'done'));
  const pretrain = stageOf(plan, 'pretrain');
  const finetune = stageOf(plan, 'finetune', 'dapt');
  const pretrainJobs = stageJobs(cluster).filter((j) => keyOf(j.dir) === pretrain.key);
  const finetuneJobs = stageJobs(cluster).filter((j) => keyOf(j.dir) === finetune.key);
  assert.equal(pretrainJobs.length, 2);
  assert.equal(finetuneJobs.length, 2);
  assert.deepEqual(finetuneJobs[1]!.dependencies, [pretrainJobs[1]!.id], 'the dependent waits on the retry');
  const marker = await readMarker(study);
  assert.deepEqual(marker.filter((l) => l.key === pretrain.key && l.event === 'start').map((l) => l.fromStep), [0, 0]);
});

test('a stage another run holds is waited for; its dependents are submitted once it is free', async (t) => {
  const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1] });
  withEnv(t, { DAPT_FAKE_MARKER: study.marker, DAPT_FAKE_STEPS: '2' });
  const plan = await planOf(study);
  const pretrain = stageOf(plan, 'pretrain');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(stagePaths(study.store, pretrain.key).dir, { recursive: true });
  const held = await tryAcquireLock(stagePaths(study.store, pretrain.key).lock);
  assert.ok(held.acquired);
  const { run, cluster, events } = slurmRun(study, plan);
  const done = run.run();
  await waitFor('the baseline branch to finish', async () => events.some((e) => e.type === 'state' && e.state === 'done' && e.stage.kind === 'evaluate'));
  assert.ok(!stageJobs(cluster).some((j) => keyOf(j.dir) === pretrain.key || keyOf(j.dir) === stageOf(plan, 'finetune', 'dapt').key));
  assert.ok(events.some((e) => e.type === 'state' && e.stage.key === pretrain.key && e.state === 'locked'));
  await held.lock.release();
  const result = await done;
  assert.ok([...result.states.values()].every((s) => s === 'done'));
});

test('a submitted stage\'s lock names its job; detach leaves the jobs and records them', async (t) => {
  const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1] });
  withEnv(t, { DAPT_FAKE_MARKER: study.marker, DAPT_FAKE_STEPS: '2' });
  const plan = await planOf(study);
  const { run, cluster } = slurmRun(study, plan);
  run.detach!();
  const result = await run.run();
  assert.equal(result.detached, true);
  const [record] = await readRecords(study.store);
  assert.ok(record && record.detached);
  assert.deepEqual(Object.keys(record.stages).sort(), plan.stages.map((s) => s.key).sort());
  for (const s of plan.stages) {
    const lock = JSON.parse(await readFile(stagePaths(study.store, s.key).lock, 'utf8')) as { extra: Record<string, string> };
    assert.deepEqual(lock.extra, { executor: 'slurm', jobId: record.stages[s.key]!.jobId });
  }
  await cluster.settle();
});

test('interrupt cancels the jobs; a running stage checkpoints and counts as interrupted', async (t) => {
  const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1] });
  withEnv(t, { DAPT_FAKE_MARKER: study.marker, DAPT_FAKE_STEPS: '50', DAPT_FAKE_STEP_MS: '20' });
  const plan = await planOf(study);
  const { run, cluster, events } = slurmRun(study, plan);
  const done = run.run();
  await waitFor('a stage to run', async () => events.some((e) => e.type === 'state' && e.state === 'running'));
  run.interrupt();
  const result = await done;
  await cluster.settle();
  assert.equal(result.interrupted, true);
  assert.equal(result.failures.length, 0);
  const states = [...result.states.values()];
  assert.ok(states.includes('interrupted'));
  assert.ok(states.every((s) => s === 'interrupted' || s === 'done'), states.join(','));
});

test('nothing is submitted when a job cannot write to the run store', async (t) => {
  const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1] });
  const plan = await planOf(study);
  const cluster = new FakeCluster();
  cluster.storeShared = false;
  await assert.rejects(slurmRun(study, plan, {}, cluster).run.run(), (e: unknown) => {
    assert.ok(isDaptError(e) && e.code === 'DAPT_SLURM');
    assert.match((e as Error).message, /must be on a filesystem that every node shares/);
    return true;
  });
  assert.deepEqual(cluster.history.map((j) => j.name), ['dapt-store-check']);
});
