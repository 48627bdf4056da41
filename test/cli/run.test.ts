/**
 * `dapt run` end to end through the real CLI with the fake trainer: results table and report,
 * MLflow runs (parent, children, cache hits), re-runs that train nothing, --dry-run, --force,
 * and a failure summary.
 */
import assert from 'node:assert/strict';
import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { count, planOf, readMarker, runInProcess, stageOf, tinyStudy } from '../execute/_study.ts';

interface MlflowRun {
  id: string;
  tags: Record<string, string>;
  status: number;
}

async function mlflowRuns(store: string, experiment: string): Promise<MlflowRun[]> {
  const root = join(store, 'mlruns');
  for (const id of await readdir(root)) {
    const meta = await readFile(join(root, id, 'meta.yaml'), 'utf8').catch(() => '');
    if (!new RegExp(`^name: ${experiment}$`, 'm').test(meta)) continue;
    const runs: MlflowRun[] = [];
    for (const run of await readdir(join(root, id))) {
      if (run === 'meta.yaml' || run === 'tags') continue;
      const tags: Record<string, string> = {};
      for (const tag of await readdir(join(root, id, run, 'tags'))) tags[tag] = await readFile(join(root, id, run, 'tags', tag), 'utf8');
      const status = Number(/^status: (\d+)$/m.exec(await readFile(join(root, id, run, 'meta.yaml'), 'utf8'))?.[1]);
      runs.push({ id: run, tags, status });
    }
    return runs;
  }
  throw new Error(`no MLflow experiment ${experiment} in ${root}`);
}

const exists = (p: string) => access(p).then(() => true, () => false);

test('dry run, run, re-run (trains nothing), --force, with the report and MLflow runs', async (t) => {
  const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1] });
  const plan = await planOf(study);
  const n = plan.stages.length;

  const dry = await runInProcess(study, ['--dry-run']);
  assert.equal(dry.exitCode, 0, dry.all);
  assert.match(dry.stdout, new RegExp(`would run ${n} stages`));
  assert.match(dry.stdout, /cached 0 stages/);
  assert.equal(await exists(join(study.store, 'stages')), false, '--dry-run runs and writes nothing');

  const first = await runInProcess(study, ['--jobs', '3']);
  assert.equal(first.exitCode, 0, first.all);
  assert.match(first.stdout, /baseline/);
  assert.match(first.stdout, /dapt/);
  assert.match(first.stdout, /t1/);
  assert.match(first.stdout, /report: .*report\.md/);
  assert.match(first.stderr, new RegExp(`${n} stages: ${n} run`));
  const marker = await readMarker(study);
  for (const s of plan.stages) assert.equal(count(marker, 'done', s.key), 1);

  const runs = await mlflowRuns(study.store, 'tiny');
  const parents = runs.filter((r) => !r.tags['mlflow.parentRunId']);
  assert.equal(parents.length, 1, 'one parent run per dapt run');
  const children = runs.filter((r) => r.tags['mlflow.parentRunId'] === parents[0]!.id);
  assert.equal(children.length, n);
  const pretrain = stageOf(plan, 'pretrain');
  const pretrainRun = children.find((r) => r.tags['dapt.stage_key'] === pretrain.key)!;
  assert.equal(pretrainRun.tags['dapt.kind'], 'pretrain');
  assert.equal(pretrainRun.tags['dapt.cache_hit'], 'false');
  assert.equal(pretrainRun.tags['mlflow.runName'], pretrain.title);
  assert.equal(pretrainRun.status, 3, 'FINISHED');

  const again = await runInProcess(study);
  assert.equal(again.exitCode, 0, again.all);
  assert.deepEqual(await readMarker(study), marker, 'a re-run trains nothing');
  assert.match(again.stderr, new RegExp(`${n} stages: ${n} cached`));
  assert.match(again.stdout, /report: /);
  const cached = (await mlflowRuns(study.store, 'tiny')).filter((r) => r.tags['dapt.cache_hit'] === 'true');
  assert.equal(cached.length, n, 'each cached stage gets a child run of the new parent');
  const cachedPretrain = cached.find((r) => r.tags['dapt.stage_key'] === pretrain.key)!;
  assert.equal(cachedPretrain.tags['dapt.produced_by_run'], pretrainRun.id);

  const dryAfter = await runInProcess(study, ['--dry-run', '--force', 'pretrain']);
  const downstream = plan.stages.filter((s) => s.kind === 'pretrain' || s.title.includes('[dapt]') || s.kind === 'aggregate');
  assert.match(dryAfter.stdout, new RegExp(`would run ${downstream.length} stages`));
  assert.match(dryAfter.stdout, /\(forced\)/);

  const forced = await runInProcess(study, ['--force', 'pretrain', '--jobs', '3']);
  assert.equal(forced.exitCode, 0, forced.all);
  const after = await readMarker(study);
  for (const s of plan.stages) {
    assert.equal(count(after, 'done', s.key), downstream.includes(s) ? 2 : 1, s.title);
  }
});

test('a failing stage: independent branches finish, exit code 1, the summary names the log and its last lines', async (t) => {
  const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1] });
  const plan = await planOf(study);
  const result = await runInProcess(study, ['--jobs', '3'], { DAPT_FAKE_FAIL: 'dapt(cs)' });
  assert.equal(result.exitCode, 1, result.all);
  const pretrain = stageOf(plan, 'pretrain');
  const log = join(study.store, 'stages', pretrain.key, 'log.txt');
  assert.match(result.stderr, new RegExp(`FAILED ${pretrain.title.replace(/[()]/g, '\\$&')} .*exited with code 1`));
  assert.match(result.stderr, new RegExp(`log: ${log}`));
  assert.match(result.stderr, /failure injected by DAPT_FAKE_FAIL/);
  assert.match(result.stderr, /blocked by a failure/);
  const marker = await readMarker(study);
  for (const s of plan.stages.filter((x) => x.title.includes('[baseline]'))) assert.equal(count(marker, 'done', s.key), 1, s.title);
  assert.equal(await exists(join(study.store, 'stages', pretrain.key, 'manifest.json')), false);
});
