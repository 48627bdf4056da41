/**
 * The Slurm executor end to end on a real single-node cluster (see _cluster.ts; where Slurm is not
 * installed or cannot start, skipped with the reason, or failed under DAPT_TEST_REQUIRE=1): the
 * same results as the local executor (fake-trainer stages and one real tiny training stage), a failing stage's dependents cancelled
 * by Slurm while independent stages finish, a detached run that a concurrent local run on the
 * same store does not duplicate and that `dapt status` follows and closes, and job-bound locks.
 */
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { execa } from 'execa';
import { stagePaths } from '../../../src/store/layout.ts';
import { lockStatus, tryAcquireLock } from '../../../src/execute/lock.ts';
import { withEnv } from '../_in-process.ts';
import { count, daptBin, finalMetrics, planOf, readMarker, stageOf, startRun, tinyStudy, type TinyStudy } from '../_study.ts';
import { writeTinyCheckpoint, writeToyTask } from '../../train/_fixtures.ts';
import { exercised, skipOrFail } from '../../_required.ts';
import { startCluster, type TestCluster } from './_cluster.ts';

const PROFILE = ['executor: slurm', 'slurm:', '  poll_seconds: 0.3', '  resources:', '    default: { cpus: 1, mem: 300M, time: "10" }', ''].join('\n');

async function withProfile(study: TinyStudy): Promise<string> {
  const file = join(study.dir, 'profile.yaml');
  await writeFile(file, PROFILE);
  return file;
}

/** Any dapt command on a study; killed in t.after if still running. */
function dapt(t: TestContext, study: TinyStudy, args: string[], extra: Record<string, string> = {}) {
  const child = execa(process.execPath, [daptBin, ...args], { cwd: study.dir, env: { ...process.env, ...study.env, ...extra }, reject: false, all: true });
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await child.catch(() => undefined);
  });
  return child;
}

/** The same study with its own store and marker, so two runs of it can be compared. */
function variant(study: TinyStudy, name: string): TinyStudy {
  return { ...study, store: join(study.dir, `runs-${name}`), marker: join(study.dir, `marker-${name}.txt`), env: { ...study.env, DAPT_FAKE_MARKER: join(study.dir, `marker-${name}.txt`) } };
}

/** Every job the controller reports, sampled until `until` settles: working directory → states and reasons seen. */
function sampleQueue(cluster: TestCluster, until: Promise<unknown>): Promise<Map<string, Set<string>>> {
  const seen = new Map<string, Set<string>>();
  let over = false;
  void until.finally(() => (over = true));
  return (async () => {
    while (!over) {
      const r = await execa('squeue', ['-h', '-t', 'all', '-o', '%Z|%T|%r'], { env: { ...process.env, ...cluster.env }, reject: false });
      for (const line of String(r.stdout).split('\n').filter(Boolean)) {
        const [dir, state, reason] = line.split('|');
        if (!seen.has(dir!)) seen.set(dir!, new Set());
        seen.get(dir!)!.add(`${state}|${reason}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    return seen;
  })();
}

async function mlflowParentStatuses(store: string): Promise<number[]> {
  const root = join(store, 'mlruns');
  const statuses: number[] = [];
  for (const experiment of await readdir(root)) {
    if (!/^\d+$/.test(experiment) || experiment === '0') continue;
    for (const run of await readdir(join(root, experiment))) {
      if (run === 'meta.yaml' || run === 'tags') continue;
      const parent = await readFile(join(root, experiment, run, 'tags', 'mlflow.parentRunId'), 'utf8').catch(() => null);
      if (parent !== null) continue;
      statuses.push(Number(/^status: (\d+)$/m.exec(await readFile(join(root, experiment, run, 'meta.yaml'), 'utf8'))?.[1]));
    }
  }
  return statuses;
}

async function realStudy(t: TestContext): Promise<TinyStudy> {
  const study = await tinyStudy(t);
  const ckpt = join(study.dir, 'real-ckpt');
  await writeTinyCheckpoint(ckpt);
  writeToyTask(join(study.env['DAPT_DATA']!, 'tasks', 'toy'), { train: 16, dev: 8, test: 8 });
  await writeFile(
    study.file,
    [
      'name: tinyreal',
      'base: { checkpoint: real-ckpt }',
      'tasks:',
      '  toy: { path: tasks/toy, metric: macro_f1 }',
      'arms:',
      '  baseline: []',
      'finetune: { lr: 5.0e-3, epochs: 1, batch_size: 8, max_seq_length: 16, seeds: [1] }',
      'reference: false',
      'probe: false',
      '',
    ].join('\n'),
  );
  return study;
}

// Two subtests at a time: most of each is waiting on Slurm's scheduling and on process start-up.
test('the Slurm executor on a single-node cluster', { timeout: 240_000, concurrency: 2 }, async (t) => {
  const cluster = await startCluster(t);
  if (typeof cluster === 'string') return skipOrFail(t, 'the Slurm integration test', cluster);
  exercised('Slurm (single-node test cluster)');
  const env = cluster.env;

  const subtests: Array<Promise<void>> = [];
  subtests.push(t.test('a study run with --executor slurm gives the local executor\'s results', async (t) => {
    const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1] });
    const profile = await withProfile(study);
    const plan = await planOf(study);
    const onSlurm = variant(study, 'slurm');
    const local = variant(study, 'local');
    const [slurm, here] = await Promise.all([startRun(t, onSlurm, ['--profile', profile], { ...env, ...onSlurm.env }), startRun(t, local, [], local.env)]);
    assert.equal(slurm.exitCode, 0, slurm.all);
    assert.equal(here.exitCode, 0, here.all);
    assert.match(slurm.stderr, new RegExp(`${plan.stages.length} stages: ${plan.stages.length} run`));
    assert.match(slurm.stdout, /report: .*report\.md/);
    assert.deepEqual(await finalMetrics(onSlurm.store), await finalMetrics(local.store));
    const marker = await readMarker(onSlurm);
    for (const s of plan.stages) {
      assert.equal(count(marker, 'done', s.key), 1, s.title);
      assert.match(await readFile(stagePaths(onSlurm.store, s.key).log, 'utf8'), /submitted to Slurm[\s\S]*done in/, `${s.title}: its job wrote into the stage log`);
    }
    assert.match(await readFile(join(onSlurm.store, 'slurm', 'store-check', 'default.ok'), 'utf8'), /by Slurm job \d+/);
    assert.deepEqual(await readdir(join(onSlurm.store, 'slurm', 'submissions')), []);
    assert.deepEqual(await mlflowParentStatuses(onSlurm.store), [3], 'the run is closed as FINISHED');
  }));

  subtests.push(t.test('a failing stage: Slurm cancels its dependents, independent stages finish', async (t) => {
    const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1] });
    const profile = await withProfile(study);
    const plan = await planOf(study);
    const run = startRun(t, study, ['--profile', profile], { ...env, DAPT_FAKE_FAIL: 'pretrain' });
    const seen = await sampleQueue(cluster, run);
    const result = await run;
    assert.equal(result.exitCode, 1, result.all);
    const pretrain = stageOf(plan, 'pretrain');
    assert.match(result.stderr, new RegExp(`FAILED ${pretrain.title.replace(/[()[\]]/g, '\\$&')}.*Slurm job \\d+.*exited with code 1`));
    const marker = await readMarker(study);
    for (const s of plan.stages) {
      const dependsOnPretrain = s.title.includes('[dapt]') || s.kind === 'aggregate';
      if (dependsOnPretrain) {
        assert.equal(count(marker, 'start', s.key), 0, `${s.title} never starts`);
        const states = seen.get(stagePaths(study.store, s.key).dir);
        assert.ok(states?.has('CANCELLED|DependencyNeverSatisfied'), `${s.title}: Slurm cancelled it (seen: ${[...(states ?? [])].join(', ')})`);
      } else if (s.key !== pretrain.key) {
        assert.equal(count(marker, 'done', s.key), 1, `${s.title} finishes`);
      }
    }
    assert.match(result.stderr, /3 blocked by a failure/);
  }));

  subtests.push(t.test('a real tiny training stage gives the local executor\'s results', async (t) => {
    const study = await realStudy(t);
    const profile = await withProfile(study);
    const onSlurm = variant(study, 'slurm');
    const local = variant(study, 'local');
    const real = (s: TinyStudy, args: string[], extra: Record<string, string>) =>
      dapt(t, s, ['run', s.file, '--store', s.store, '--trainer', 'real', '--backend', 'wasm', ...args], extra);
    const [slurm, here] = await Promise.all([real(onSlurm, ['--profile', profile], env), real(local, [], {})]);
    assert.equal(slurm.exitCode, 0, slurm.all);
    assert.equal(here.exitCode, 0, here.all);
    const metrics = await finalMetrics(onSlurm.store);
    assert.deepEqual(metrics, await finalMetrics(local.store));
    const plan = await planOf(study);
    assert.ok(metrics[stageOf(plan, 'finetune').key]!['steps']! > 0, 'the fine-tuning stage trained');
  }));

  subtests.push(t.test('--detach: a local run on the same store waits for the jobs; dapt status follows them and closes the run', async (t) => {
    const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1] });
    const profile = await withProfile(study);
    const plan = await planOf(study);
    const slow = { DAPT_FAKE_STEP_MS: '100', DAPT_FAKE_STEPS: '5' };
    const detached = await startRun(t, study, ['--profile', profile, '--detach'], { ...env, ...slow });
    assert.equal(detached.exitCode, 0, detached.all);
    assert.match(detached.stderr, new RegExp(`detached: ${plan.stages.length} Slurm jobs keep running`));
    const cli = (args: string[]) => dapt(t, study, args, env);
    const localMarker = join(study.dir, 'marker-local.txt');
    const [once, local, status] = await Promise.all([
      cli(['status', study.file, '--store', study.store, '--once']),
      startRun(t, study, [], { ...env, ...slow, DAPT_FAKE_MARKER: localMarker }),
      cli(['status', study.file, '--store', study.store, '--profile', profile]),
    ]);
    assert.equal(once.exitCode, 0, once.all);
    assert.match(once.stdout, new RegExp(`${plan.stages.length} stages: `));
    assert.match(once.stdout, /(waiting|running) .*Slurm job \d+/);
    assert.equal(local.exitCode, 0, local.all);
    assert.match(local.stderr, new RegExp(`${plan.stages.length} stages: ${plan.stages.length} cached`), 'the local run ran nothing itself');
    assert.equal(await readFile(localMarker, 'utf8').catch(() => ''), '');
    const marker = await readMarker(study);
    for (const s of plan.stages) assert.equal(count(marker, 'start', s.key), 1, `${s.title} ran once, as a Slurm job`);

    assert.equal(status.exitCode, 0, status.all);
    assert.match(status.stdout, /report: .*report\.md/);
    assert.deepEqual(await readdir(join(study.store, 'slurm', 'submissions')), [], 'status closed the detached run');
    assert.deepEqual((await mlflowParentStatuses(study.store)).sort(), [3, 3], 'both runs are closed as FINISHED');
  }));

  subtests.push(t.test('Ctrl-C without a terminal cancels the jobs; a running stage checkpoints first', async (t) => {
    const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1] });
    const profile = await withProfile(study);
    const plan = await planOf(study);
    const first = startRun(t, study, ['--profile', profile], { ...env, DAPT_FAKE_STEPS: '40', DAPT_FAKE_STEP_MS: '100' });
    let output = '';
    first.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    for (let i = 0; i < 300 && !/progress \d+\/40/.test(output); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    first.kill('SIGINT');
    const stopped = await first;
    assert.equal(stopped.exitCode, 130, stopped.all);
    assert.match(stopped.stderr, /SIGINT: cancelling the Slurm jobs/);
    assert.match(stopped.stderr, /interrupted/);
    const queue = await execa('squeue', ['-h', '-o', '%Z|%T'], { env: { ...process.env, ...env } });
    const left = String(queue.stdout).split('\n').filter((l) => l.startsWith(study.store) && /PENDING|RUNNING/.test(l));
    assert.deepEqual(left, [], 'no job of the study is left queued or running');
    for (const s of plan.stages) assert.equal((await lockStatus(stagePaths(study.store, s.key).lock)).state, 'free', `${s.title}: lock released`);
    // The stages that were running got SIGTERM from scancel, saved their step and exited 130 (what a re-run resumes from).
    const started = (await readMarker(study)).filter((l) => l.event === 'start');
    assert.ok(started.length > 0);
    for (const { key } of started) {
      assert.equal(await readFile(stagePaths(study.store, key).exitcode, 'utf8'), '130\n');
      const saved = JSON.parse(await readFile(join(stagePaths(study.store, key).work, 'checkpoint', 'fake-state.json'), 'utf8')) as { step: number };
      assert.ok(saved.step > 0 && saved.step < 40, `checkpoint at step ${saved.step}`);
    }
  }));

  subtests.push(t.test('a lock naming a queued job is held; naming an ended job, it is stale and taken over', async (t) => {
    withEnv(t, env);
    const dir = join(cluster.dir, 'locks');
    await mkdir(dir, { recursive: true });
    const sbatch = (args: string[]) => execa('sbatch', ['--parsable', `--chdir=${dir}`, '--output=/dev/null', '--mem=10M', ...args], { env: { ...process.env, ...env } });
    const held = String((await sbatch(['--hold', '--wrap=true'])).stdout).trim();
    const ended = String((await sbatch(['--wrap=true'])).stdout).trim();
    for (let i = 0; i < 100; i++) {
      const r = await execa('squeue', ['-h', '-t', 'all', '-j', ended, '-o', '%T'], { env: { ...process.env, ...env }, reject: false });
      if (/COMPLETED/.test(String(r.stdout))) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const lockOf = async (name: string, jobId: string) => {
      const path = join(dir, name);
      await writeFile(path, JSON.stringify({ pid: process.pid, hostname: 'elsewhere', startedAt: new Date().toISOString(), token: name, extra: { executor: 'slurm', jobId } }));
      return path;
    };
    assert.equal((await lockStatus(await lockOf('held', held))).state, 'held');
    const stale = await lockOf('stale', ended);
    assert.equal((await lockStatus(stale)).state, 'stale');
    assert.equal((await tryAcquireLock(stale)).acquired, true);
    await execa('scancel', [held], { env: { ...process.env, ...env } });
  }));
  await Promise.all(subtests);
});
