/**
 * `dapt run` against the in-process MLflow server, read as an MLflow user reads it: after an
 * outage and `dapt sync` no placeholder id is left anywhere; a stage resumed after SIGINT is one
 * run with one continuous history; a cached re-run adds no second copy of any result; final
 * values sit at the end of a pretraining history, not at its start.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { stagePaths } from '../../src/store/layout.ts';
import { Scheduler } from '../../src/execute/scheduler.ts';
import { StudyTracker } from '../../src/execute/tracking.ts';
import { inProcessExecutor, withEnv } from '../execute/_in-process.ts';
import { cli, planOf, runInProcess, stageOf, startRun, tinyStudy, waitFor, type TinyStudy } from '../execute/_study.ts';
import { startFakeMlflow, type FakeMlflowServer } from './_mlflow-server.ts';

let server: FakeMlflowServer;

before(async () => {
  server = await startFakeMlflow();
});
after(() => server.stop());
beforeEach(async () => {
  await server.start().catch(() => undefined);
  server.requests.length = 0;
  server.runs.clear();
  server.experiments.clear();
  server.artifacts.clear();
});

const mlflow = () => ({ MLFLOW_TRACKING_URI: server.uri });
const PLACEHOLDER = /offline-[0-9a-f]{32}/;

type ServerRun = FakeMlflowServer['runs'] extends Map<string, infer R> ? R : never;
const runs = (): ServerRun[] => [...server.runs.values()];
const producing = (key: string) => runs().filter((r) => r.tags.get('dapt.stage_key') === key && r.tags.get('dapt.cache_hit') === 'false');
const cacheHits = () => runs().filter((r) => r.tags.get('dapt.cache_hit') === 'true');
/** What `mlflow.search_runs(filter_string="metrics.<key> > 0")` returns: runs holding the metric. */
const withMetric = (key: string) => runs().filter((r) => r.metrics.some((m) => m.key === key && Number(m.value) > 0));

async function filesUnder(dir: string, skip: (path: string) => boolean): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).filter((p) => !skip(p));
}

async function stageKeys(study: TinyStudy): Promise<string[]> {
  return (await planOf(study)).stages.map((s) => s.key);
}

async function manifestOf(study: TinyStudy, key: string): Promise<{ producedBy: { runId: string; experimentId: string } | null }> {
  return JSON.parse(await readFile(stagePaths(study.store, key).manifest, 'utf8'));
}

test('an outage, dapt sync, then the report: manifests, cache-hit links and the report name only real runs', async (t) => {
  const study = await tinyStudy(t, { arms: [], seeds: [1] });
  const keys = await stageKeys(study);
  await server.stop();
  const offline = await runInProcess(study, [], mlflow());
  assert.match(offline.all, /dapt sync/, offline.all);
  for (const key of keys) assert.match((await manifestOf(study, key)).producedBy!.runId, PLACEHOLDER, 'made while the server was down');
  const cachedOffline = await runInProcess(study, [], mlflow());
  assert.match(cachedOffline.stderr, new RegExp(`${keys.length} cached`), cachedOffline.all);

  const queued = await cli(study, ['report', study.file, '--store', study.store, '--format', 'md']);
  assert.equal(queued.exitCode, 0, queued.all);
  assert.doesNotMatch(queued.stdout, PLACEHOLDER);
  assert.match(queued.stdout, /queued \(run `dapt sync`\)/, 'a stage whose run is still queued says so');

  await server.start();
  const synced = await cli(study, ['sync', '--store', study.store], mlflow());
  assert.equal(synced.exitCode, 0, synced.all);
  const report = await cli(study, ['report', study.file, '--store', study.store, '--format', 'md']);
  assert.equal(report.exitCode, 0, report.all);

  for (const key of keys) {
    const [run] = producing(key);
    assert.ok(run, `stage ${key} has its run on the server`);
    assert.deepEqual((await manifestOf(study, key)).producedBy, { runId: run.info.run_id, experimentId: run.info.experiment_id, uri: server.uri });
  }
  assert.equal(cacheHits().length, keys.length);
  for (const hit of cacheHits()) {
    const producer = server.runs.get(hit.tags.get('dapt.produced_by_run') ?? '');
    assert.equal(producer?.tags.get('dapt.stage_key'), hit.tags.get('dapt.stage_key'), 'a cache hit links to the run that produced the stage');
  }
  const evaluate = stageOf(await planOf(study), 'evaluate');
  assert.ok(report.stdout.includes(`\`${producing(evaluate.key)[0]!.info.run_id}\``), 'the report names the evaluate stage’s run');
  assert.doesNotMatch(report.stdout, /queued/);

  // No placeholder anywhere a user looks: the server, the store's files, the written reports.
  for (const r of runs()) {
    for (const [k, v] of [...r.tags, ...r.params]) assert.doesNotMatch(v, PLACEHOLDER, `${r.info.run_name}: ${k}`);
  }
  // spec.json is the stage's input as its process got it (hash-checked by its manifest); the
  // outbox's id map is the placeholder → run table itself.
  const files = await filesUnder(study.store, (p) => p.endsWith('spec.json') || p.includes('mlflow-outbox') || p.includes('mlruns'));
  assert.ok(files.some((p) => p.endsWith('report.md')));
  for (const file of files) assert.doesNotMatch(await readFile(file, 'utf8'), PLACEHOLDER, file);
  assert.deepEqual(await filesUnder(join(study.store, 'mlflow-outbox', 'pending'), () => false), []);
});

const slow = { DAPT_FAKE_STEPS: '20', DAPT_FAKE_STEP_MS: '50' };

test('SIGINT, then dapt run again: the stage continues its run, one continuous history, the interruption recorded', async (t) => {
  const study = await tinyStudy(t, { arms: [], seeds: [1] });
  const finetune = stageOf(await planOf(study), 'finetune');
  const steps = Number(slow.DAPT_FAKE_STEPS);
  const run = startRun(t, study, [], { ...slow, ...mlflow() });
  await waitFor('a checkpoint past step 3', async () => {
    try {
      return (JSON.parse(await readFile(join(stagePaths(study.store, finetune.key).checkpoint, 'fake-state.json'), 'utf8')) as { step: number }).step > 3;
    } catch {
      return false;
    }
  }, 300_000); // the `dapt run` process and its stage start first; slow on a loaded machine
  run.kill('SIGINT');
  assert.equal((await run).exitCode, 130);
  const [killed] = producing(finetune.key);
  assert.equal(killed?.info.status, 'KILLED');

  const again = await runInProcess(study, [], { DAPT_FAKE_STEPS: slow.DAPT_FAKE_STEPS, ...mlflow() });
  assert.equal(again.exitCode, 0, again.all);
  const stageRuns = producing(finetune.key);
  assert.equal(stageRuns.length, 1, 'one run for the stage');
  const [stageRun] = stageRuns;
  assert.equal(stageRun!.info.run_id, killed!.info.run_id);
  assert.equal(stageRun!.info.status, 'FINISHED');
  const lossSteps = stageRun!.metrics.filter((m) => m.key === 'loss').map((m) => m.step);
  assert.deepEqual(lossSteps, Array.from({ length: steps }, (_, i) => i + 1), 'each step once, in order');
  assert.equal(stageRun!.tags.get('dapt.attempt'), '2');
  assert.match(stageRun!.tags.get('dapt.attempt.1') ?? '', /^KILLED: /);
  const updates = server.calls('/api/2.0/mlflow/runs/update').filter((r) => r.body.run_id === stageRun!.info.run_id).map((r) => r.body.status);
  assert.deepEqual(updates, ['KILLED', 'RUNNING', 'FINISHED']);
});

test('a retry after a failure continues the run, with the failure recorded', async (t) => {
  const study = await tinyStudy(t, { arms: [], seeds: [1] });
  const steps = 6;
  withEnv(t, { DAPT_FAKE_STEPS: String(steps), DAPT_FAKE_FAIL: 'finetune', DAPT_FAKE_FAIL_TIMES: '1' });
  const plan = await planOf(study);
  const finetune = stageOf(plan, 'finetune');
  const warnings: string[] = [];
  const tracker = await StudyTracker.open({ storeDir: study.store, env: mlflow(), plan, source: 'test', backend: 'fake', cwd: study.dir, onWarning: (m) => warnings.push(m) });
  const result = await new Scheduler({
    plan,
    storeDir: study.store,
    executor: inProcessExecutor(),
    slots: { total: 2, heavy: 1 },
    retry: 1,
    force: new Set(),
    verify: false,
    specDefaults: { storeDir: study.store, dataRoot: study.env['DAPT_DATA']!, backend: 'auto', checkpointEverySeconds: 300, trainer: 'fake' },
    tracker,
    onEvent: () => undefined,
    lockPollMs: 20,
  }).run();
  await tracker!.finish('FINISHED');
  assert.deepEqual(result.failures, []);
  assert.deepEqual(warnings, []);
  const [run, ...others] = producing(finetune.key);
  assert.equal(others.length, 0, 'one run for both attempts');
  assert.equal(run!.info.status, 'FINISHED');
  assert.equal(run!.tags.get('dapt.attempt'), '2');
  assert.match(run!.tags.get('dapt.attempt.1') ?? '', /^FAILED: .*failure injected/);
  assert.deepEqual(run!.metrics.filter((m) => m.key === 'loss').map((m) => m.step), Array.from({ length: steps }, (_, i) => i + 1));
  const updates = server.calls('/api/2.0/mlflow/runs/update').filter((r) => r.body.run_id === run!.info.run_id).map((r) => r.body.status);
  assert.deepEqual(updates, ['FAILED', 'RUNNING', 'FINISHED']);
});

test('a cached re-run: each result once in a metric search, cache hits link to their producers, the aggregate table is an artifact', async (t) => {
  const study = await tinyStudy(t, { arms: [], seeds: [1, 2] });
  const plan = await planOf(study);
  const evaluates = plan.stages.filter((s) => s.kind === 'evaluate').map((s) => s.key);
  assert.equal((await runInProcess(study, [], mlflow())).exitCode, 0);
  const rerun = await runInProcess(study, [], mlflow());
  assert.equal(rerun.exitCode, 0, rerun.all);

  assert.equal(cacheHits().length, plan.stages.length);
  assert.deepEqual(withMetric('test_macro_f1').map((r) => r.tags.get('dapt.stage_key')).sort(), [...evaluates].sort());
  assert.equal(withMetric('wall_seconds').length, plan.stages.length, 'summed wall_seconds counts each stage once');
  for (const hit of cacheHits()) {
    assert.deepEqual(hit.metrics, []);
    assert.equal(hit.tags.get('dapt.produced_by_run'), producing(hit.tags.get('dapt.stage_key')!)[0]!.info.run_id);
  }

  const aggregate = stageOf(plan, 'aggregate');
  const [aggRun] = producing(aggregate.key);
  assert.deepEqual([...aggRun!.params.keys()].filter((k) => k.startsWith('cells.') || k.startsWith('mlm.')), []);
  assert.equal(aggRun!.params.get('cells'), String(evaluates.length));
  const table = server.artifacts.get(`${aggRun!.info.experiment_id}/${aggRun!.info.run_id}/artifacts/results.json`);
  assert.equal(JSON.parse(table!.toString()).cells.length, evaluates.length);
});

test('a pretraining history: the final values are its last points, none is drawn at step 0', async (t) => {
  const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1] });
  const pretrain = stageOf(await planOf(study), 'pretrain');
  assert.equal((await runInProcess(study, [], mlflow())).exitCode, 0);
  const [run] = producing(pretrain.key);
  const final = (JSON.parse(await readFile(stagePaths(study.store, pretrain.key).metrics, 'utf8')) as { metrics: Record<string, number> }).metrics;
  const lastStep = final['steps']!;
  for (const m of run!.metrics) assert.ok(m.step >= 1, `${m.key} has a point at step ${m.step}`);
  for (const [key, value] of Object.entries(final)) {
    const history = run!.metrics.filter((m) => m.key === key);
    assert.deepEqual(history.at(-1), { key, value, timestamp: history.at(-1)!.timestamp, step: lastStep }, `${key} ends the history`);
  }
  const loss = run!.metrics.filter((m) => m.key === 'loss').map((m) => m.step);
  assert.deepEqual(loss, Array.from({ length: lastStep }, (_, i) => i + 1));
});
