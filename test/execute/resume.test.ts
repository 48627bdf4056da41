/**
 * Crashes and interrupts through the real CLI (`dapt run --trainer fake`, each stage its own
 * process): nothing finished is lost, interrupted stages resume from their checkpoints, and the
 * final metrics equal those of an uninterrupted run.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { stagePaths } from '../../src/store/layout.ts';
import { lockStatus } from '../../src/execute/lock.ts';
import { count, finalMetrics, planOf, readMarker, runInProcess, stageOf, startRun, tinyStudy, waitFor } from './_study.ts';

async function checkpointStep(store: string, key: string): Promise<number> {
  try {
    return (JSON.parse(await readFile(`${stagePaths(store, key).checkpoint}/fake-state.json`, 'utf8')) as { step: number }).step;
  } catch {
    return 0;
  }
}

async function childPid(store: string, key: string): Promise<number | null> {
  try {
    return (JSON.parse(await readFile(stagePaths(store, key).lock, 'utf8')) as { childPid?: number }).childPid ?? null;
  } catch {
    return null;
  }
}

const slow = { DAPT_FAKE_STEPS: '20', DAPT_FAKE_STEP_MS: '50' };
/** Step time does not change any output: resumed runs go at full speed. */
const fast = { DAPT_FAKE_STEPS: slow.DAPT_FAKE_STEPS };

test('kill -9 of `dapt run` mid-training, then run again: completes with the same metrics as an uninterrupted run', async (t) => {
  const study = await tinyStudy(t, { arms: [], seeds: [1] });
  const reference = await tinyStudy(t, { arms: [], seeds: [1] });
  const plan = await planOf(study);
  const finetune = stageOf(plan, 'finetune');

  const uninterrupted = runInProcess(reference, ['--jobs', '2'], fast);
  const victim = startRun(t, study, ['--jobs', '2'], slow);
  await waitFor('a checkpoint past step 3', async () => (await checkpointStep(study.store, finetune.key)) > 3);
  victim.kill('SIGKILL');
  const killed = await victim;
  assert.equal(killed.signal, 'SIGKILL');
  // Its stage process notices the runner is gone, checkpoints and stops; the lock it leaves is stale.
  const lock = stagePaths(study.store, finetune.key).lock;
  await waitFor('the orphaned stage process to stop', async () => (await lockStatus(lock)).state === 'stale');

  const resumed = await runInProcess(study, ['--jobs', '2'], fast);
  assert.equal(resumed.exitCode, 0, resumed.all);
  assert.equal((await uninterrupted).exitCode, 0);

  const starts = (await readMarker(study)).filter((l) => l.event === 'start' && l.key === finetune.key);
  assert.equal(starts.length, 2);
  assert.ok(starts[1]!.fromStep! > 3, `resumed from the checkpoint (step ${starts[1]!.fromStep})`);
  assert.deepEqual(await finalMetrics(study.store), await finalMetrics(reference.store));
});

test('kill -9 of a stage process: --retry starts it again and it resumes from its checkpoint', async (t) => {
  const study = await tinyStudy(t, { arms: [], seeds: [1] });
  const plan = await planOf(study);
  const finetune = stageOf(plan, 'finetune');
  const run = startRun(t, study, ['--retry', '1'], slow);
  await waitFor('a checkpoint past step 3', async () => (await checkpointStep(study.store, finetune.key)) > 3);
  const pid = await waitFor('the stage process pid in the lock', () => childPid(study.store, finetune.key));
  process.kill(pid, 'SIGKILL');
  const result = await run;
  assert.equal(result.exitCode, 0, result.all);
  const marker = await readMarker(study);
  const starts = marker.filter((l) => l.event === 'start' && l.key === finetune.key);
  assert.equal(starts.length, 2);
  assert.ok(starts[1]!.fromStep! > 3, `resumed from step ${starts[1]!.fromStep}`);
  assert.equal(count(marker, 'done', finetune.key), 1);
  assert.match(await readFile(stagePaths(study.store, finetune.key).log, 'utf8'), /attempt 2/);
});

test('SIGINT: stages checkpoint and stop, exit code 130, and the next run resumes', async (t) => {
  const study = await tinyStudy(t, { arms: [], seeds: [1] });
  const plan = await planOf(study);
  const finetune = stageOf(plan, 'finetune');
  const run = startRun(t, study, [], slow);
  await waitFor('a checkpoint past step 3', async () => (await checkpointStep(study.store, finetune.key)) > 3);
  run.kill('SIGINT');
  const stopped = await run;
  assert.equal(stopped.exitCode, 130, stopped.all);
  assert.match(stopped.all ?? '', /next `dapt run` resumes/);
  assert.equal(await childPid(study.store, finetune.key), null, 'the lock is released');
  const at = await checkpointStep(study.store, finetune.key);
  assert.ok(at > 3 && at < 20);
  assert.match(await readFile(stagePaths(study.store, finetune.key).log, 'utf8'), /SIGTERM: checkpointing and stopping/);

  const again = await runInProcess(study, [], fast);
  assert.equal(again.exitCode, 0, again.all);
  const starts = (await readMarker(study)).filter((l) => l.event === 'start' && l.key === finetune.key);
  assert.deepEqual(starts.map((l) => l.fromStep), [0, at]);
});
