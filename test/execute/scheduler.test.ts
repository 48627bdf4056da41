/** The scheduler's decisions, with stages run in-process by the fake trainer. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { stagePaths } from '../../src/store/layout.ts';
import { tryAcquireLock } from '../../src/execute/lock.ts';
import { Scheduler, type SchedulerOptions } from '../../src/execute/scheduler.ts';
import { writeStageSpec, buildStageSpec } from '../../src/execute/spec.ts';
import { runStageProcess } from '../../src/execute/stage-process.ts';
import { forcedStages } from '../../src/execute/force.ts';
import type { ExecEvent } from '../../src/execute/types.ts';
import type { Plan } from '../../src/plan/types.ts';
import { untilChanged } from '../_until.ts';
import { inProcessExecutor, withEnv } from './_in-process.ts';
import { count, planOf, readMarker, stageOf, tinyStudy, type TinyStudy } from './_study.ts';

function scheduler(study: TinyStudy, plan: Plan, over: Partial<SchedulerOptions> = {}) {
  const executor = inProcessExecutor();
  const events: ExecEvent[] = [];
  const s = new Scheduler({
    plan,
    storeDir: study.store,
    executor,
    slots: { total: 4, heavy: 1 },
    retry: 0,
    force: new Set(),
    verify: false,
    specDefaults: { storeDir: study.store, dataRoot: study.env['DAPT_DATA']!, backend: 'auto', checkpointEverySeconds: 300, trainer: 'fake' },
    tracker: null,
    onEvent: (e) => events.push(e),
    lockPollMs: 20,
    ...over,
  });
  return { s, executor, events };
}

const statesOf = (events: ExecEvent[], key: string) => events.flatMap((e) => (e.type === 'state' && e.stage.key === key ? [e.state] : []));

test('runs every stage once, parents first, within the heavy-stage limit; a second run is all cached', async (t) => {
  const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1, 2] });
  withEnv(t, { DAPT_FAKE_MARKER: study.marker, DAPT_FAKE_STEPS: '3' });
  const plan = await planOf(study);
  const first = scheduler(study, plan);
  const result = await first.s.run();
  assert.equal(result.failures.length, 0);
  assert.ok([...result.states.values()].every((s) => s === 'done'));
  assert.equal(first.executor.peak.heavy, 1);
  const order = first.executor.started.map((j) => j.key);
  for (const stage of plan.stages) for (const p of stage.parents) assert.ok(order.indexOf(p) < order.indexOf(stage.key), `${p} before ${stage.key}`);
  const marker = await readMarker(study);
  for (const stage of plan.stages) assert.equal(count(marker, 'done', stage.key), 1);

  const second = scheduler(study, plan);
  const again = await second.s.run();
  assert.equal(second.executor.started.length, 0);
  assert.ok([...again.states.values()].every((s) => s === 'cached'));
});

test('light stages overlap with a heavy one', async (t) => {
  const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1] });
  withEnv(t, { DAPT_FAKE_MARKER: study.marker, DAPT_FAKE_STEPS: '3' });
  const plan = await planOf(study);
  const { s, executor } = scheduler(study, plan, { slots: { total: 3, heavy: 2 } });
  await s.run();
  assert.equal(executor.peak.heavy, 2, 'the baseline finetune and the DAPT pretraining run side by side');
});

test('a failing stage blocks only its dependents; independent branches finish', async (t) => {
  const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1] });
  withEnv(t, { DAPT_FAKE_MARKER: study.marker, DAPT_FAKE_STEPS: '4', DAPT_FAKE_FAIL: 'dapt(cs)' });
  const plan = await planOf(study);
  const { s } = scheduler(study, plan);
  const result = await s.run();
  const pretrain = stageOf(plan, 'pretrain', 'dapt');
  assert.equal(result.states.get(pretrain.key), 'failed');
  assert.equal(result.failures.length, 1);
  assert.equal(result.failures[0]!.logPath, stagePaths(study.store, pretrain.key).log);
  assert.match(result.failures[0]!.reason, /exited with code 1/);
  for (const stage of plan.stages) {
    const downstream = stage.title.includes('[dapt]') || stage.kind === 'aggregate';
    if (stage.key === pretrain.key) continue;
    assert.equal(result.states.get(stage.key), downstream ? 'blocked' : 'done', stage.title);
  }
});

test('--retry re-runs a failed stage, which resumes from its checkpoint', async (t) => {
  const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1] });
  withEnv(t, { DAPT_FAKE_MARKER: study.marker, DAPT_FAKE_STEPS: '6', DAPT_FAKE_FAIL: 'dapt(cs)', DAPT_FAKE_FAIL_TIMES: '1' });
  const plan = await planOf(study);
  const { s, events } = scheduler(study, plan, { retry: 1 });
  const result = await s.run();
  assert.equal(result.failures.length, 0);
  const pretrain = stageOf(plan, 'pretrain', 'dapt');
  assert.deepEqual(statesOf(events, pretrain.key), ['running', 'pending', 'running', 'done']);
  const starts = (await readMarker(study)).filter((l) => l.event === 'start' && l.key === pretrain.key);
  assert.deepEqual(starts.map((l) => l.fromStep), [0, 2], 'the failure came at step 3; the retry resumed after step 2');
});

test('--force re-runs the matched stages and everything downstream, nothing else', async (t) => {
  const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1] });
  withEnv(t, { DAPT_FAKE_MARKER: study.marker, DAPT_FAKE_STEPS: '2' });
  const plan = await planOf(study);
  await scheduler(study, plan).s.run();
  const pretrain = stageOf(plan, 'pretrain', 'dapt');
  const force = forcedStages(plan, [pretrain.key.slice(0, 6)]);
  const { s, executor } = scheduler(study, plan, { force });
  const result = await s.run();
  const rerun = new Set(executor.started.map((j) => j.key));
  const expected = new Set(plan.stages.filter((x) => x.title.includes('dapt') || x.kind === 'aggregate').map((x) => x.key));
  assert.deepEqual(rerun, expected);
  assert.ok([...result.states.values()].every((x) => x === 'done' || x === 'cached'));
  assert.throws(() => forcedStages(plan, ['zzzz']), /matches no stage/);
  assert.equal(forcedStages(plan, ['finetune']).size, plan.stages.filter((x) => x.kind !== 'pretrain').length);
});

test('interrupt: running stages checkpoint and stop, nothing new starts, the next run resumes', async (t) => {
  const study = await tinyStudy(t, { arms: [], seeds: [1] });
  // Enough steps that the stage is still running when its first step's progress is seen.
  withEnv(t, { DAPT_FAKE_MARKER: study.marker, DAPT_FAKE_STEPS: '500', DAPT_FAKE_STEP_MS: '20' });
  const plan = await planOf(study);
  const finetune = stageOf(plan, 'finetune');
  const paths = stagePaths(study.store, finetune.key);
  const stepped = async () => ((JSON.parse(await readFile(paths.progress, 'utf8').catch(() => '{}')) as { done?: number }).done ?? 0) >= 1;
  const { s } = scheduler(study, plan, {
    onEvent: (e) => {
      // interrupt once a step is checkpointed, so the next run has something to resume from
      if (e.type === 'state' && e.stage.key === finetune.key && e.state === 'running') void untilChanged(paths.dir, stepped).then(() => s.interrupt());
    },
  });
  const result = await s.run();
  assert.equal(result.interrupted, true);
  assert.equal(result.states.get(finetune.key), 'interrupted');
  assert.equal(result.states.get(stageOf(plan, 'evaluate').key), 'pending');
  process.env.DAPT_FAKE_STEP_MS = '0'; // the resumed run needs no pacing (withEnv restores it)
  const again = await scheduler(study, plan).s.run();
  assert.ok([...again.states.values()].every((x) => x === 'done'));
  const starts = (await readMarker(study)).filter((l) => l.event === 'start' && l.key === finetune.key);
  assert.equal(starts.length, 2);
  assert.ok(starts[1]!.fromStep! > 0, 'resumed from the checkpoint');
});

test('a stage locked by another run is waited for; when that run finishes it, it is not run again', async (t) => {
  const study = await tinyStudy(t, { arms: [], seeds: [1] });
  withEnv(t, { DAPT_FAKE_MARKER: study.marker, DAPT_FAKE_STEPS: '2' });
  const plan = await planOf(study);
  const finetune = stageOf(plan, 'finetune');
  const paths = stagePaths(study.store, finetune.key);
  const { mkdir } = await import('node:fs/promises');
  await mkdir(paths.dir, { recursive: true });
  const other = await tryAcquireLock(paths.lock);
  assert.ok(other.acquired);
  const events: ExecEvent[] = [];
  let sawLock: () => void = () => undefined;
  const locked = new Promise<void>((resolve) => (sawLock = resolve));
  const { s, executor } = scheduler(study, plan, {
    onEvent: (e) => {
      events.push(e);
      if (e.type === 'state' && e.stage.key === finetune.key && e.state === 'locked') sawLock();
    },
  });
  const running = s.run();
  // "The other run": once the scheduler has seen its lock, trains the stage under it, then releases it.
  await locked;
  const kinds = new Map(plan.stages.map((x) => [x.key, x.kind]));
  await writeStageSpec(buildStageSpec(finetune, kinds, { storeDir: study.store, dataRoot: study.env['DAPT_DATA']!, backend: 'auto', checkpointEverySeconds: 300, trainer: 'fake' }, null));
  const code = await runStageProcess(paths.spec, { print: () => undefined, env: { ...process.env, DAPT_STAGE_LOCK_TOKEN: other.lock.token }, onSignal: () => () => undefined, exitNow: () => undefined });
  assert.equal(code, 0);
  await other.lock.release();
  const result = await running;
  assert.deepEqual(statesOf(events, finetune.key), ['locked', 'cached']);
  assert.ok(!executor.started.some((j) => j.key === finetune.key));
  assert.ok([...result.states.values()].every((x) => x === 'done' || x === 'cached'));
});
