/**
 * The MLflow file store: the exact on-disk layout MLflow reads (checked against fixtures written
 * with PyYAML as MLflow calls it and, where python3 with PyYAML exists, by a reader that mirrors
 * mlflow/store/tracking/file_store.py), and concurrent writers.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFile, readdir, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { openRunLogger, openTracking, type TrackingHandle } from '../../src/track/index.ts';
import { FileStoreBackend } from '../../src/track/file-store/store.ts';
import { metricLine, renderMetaYaml, type ExperimentMeta, type RunMeta } from '../../src/track/file-store/layout.ts';
import { collectWarnings, tempDir } from './_helpers.ts';

const fixture = (name: string) => readFile(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), 'utf8');
const run = promisify(execFile);

async function pythonWithYaml(): Promise<boolean> {
  try {
    await run('python3', ['-c', 'import yaml']);
    return true;
  } catch {
    return false;
  }
}

describe('meta.yaml is byte-identical to what MLflow writes', () => {
  const runMeta: RunMeta = {
    artifact_uri: 'file:///STORE/mlruns/512093488203914476/c0ffee00c0ffee00c0ffee00c0ffee00/artifacts',
    deleted_time: null,
    end_time: null,
    entry_point_name: '',
    experiment_id: '512093488203914476',
    lifecycle_stage: 'active',
    run_id: 'c0ffee00c0ffee00c0ffee00c0ffee00',
    run_name: 'finetune: chemprot (seed 1)',
    run_uuid: 'c0ffee00c0ffee00c0ffee00c0ffee00',
    source_name: '',
    source_type: 4,
    source_version: '',
    start_time: 1700000000000,
    status: 1,
    tags: [],
    user_id: 'ann',
  };
  const experiment = (id: string, name: string): ExperimentMeta => ({
    artifact_location: `file:///STORE/mlruns/${id}`,
    creation_time: 1700000000000,
    experiment_id: id,
    last_update_time: 1700000000000,
    lifecycle_stage: 'active',
    name,
  });
  it('the Default experiment', async () => assert.equal(renderMetaYaml(experiment('0', 'Default')), await fixture('experiment-meta.default.yaml')));
  it('an experiment whose name YAML 1.1 would read as a boolean', async () =>
    assert.equal(renderMetaYaml(experiment('512093488203914476', 'yes')), await fixture('experiment-meta.yes.yaml')));
  it('a new run', async () => assert.equal(renderMetaYaml(runMeta), await fixture('run-meta.created.yaml')));
  it('a finished run (no deleted_time, as _overwrite_run_info writes it)', async () => {
    const { deleted_time: _, ...rest } = runMeta;
    assert.equal(renderMetaYaml({ ...rest, end_time: 1700000123456, status: 3 }), await fixture('run-meta.finished.yaml'));
  });
});

describe('metric lines', () => {
  it('are `timestamp value step` with Python float repr', () => {
    const rows: [number, string][] = [[0.5, '0.5'], [1, '1.0'], [1e-5, '1e-05'], [1e16, '1e+16'], [123.456, '123.456'], [NaN, 'nan'], [Infinity, 'inf'], [-Infinity, '-inf'], [-0, '-0.0']];
    for (const [value, text] of rows) assert.equal(metricLine(1700000000000, value, 7), `1700000000000 ${text} 7\n`);
  });
});

async function writeStudy(store: string) {
  const { warnings, onWarning } = collectWarnings();
  const tracking = openTracking({ storeDir: store, env: {}, onWarning });
  const parent = await tracking.startRun({ experiment: 'biomed', runName: 'dapt run', tags: { 'dapt.git_commit': 'abc123' }, params: { seeds: 3 } });
  const child = await tracking.startRun({ experiment: 'biomed', runName: 'finetune: chemprot (seed 1)', parent, tags: { 'dapt/sweep/mask': '0.15' } });
  const logger = openRunLogger(child, { env: {}, onWarning });
  logger.params({ lr: 2e-5, 'model.hidden_size': 64, 'optimizer[beta]': 0.9 });
  logger.metrics(0, { loss: 2.5, 'dev/macro_f1': 0.25, perplexity: Infinity }, 1700000000000);
  logger.metrics(1, { loss: 1.75, 'dev/macro_f1': 0.5, perplexity: 12.5 }, 1700000000100);
  const files = await tempDir();
  await writeFile(join(files, 'metrics.json'), '{"test_micro_f1":0.8}');
  await mkdir(join(files, 'report'), { recursive: true });
  await writeFile(join(files, 'report', 'table.md'), '| arm | f1 |');
  logger.artifact(join(files, 'metrics.json'));
  logger.artifact(join(files, 'report'), 'report');
  await logger.finish('FINISHED');
  await tracking.finishRun(parent, 'FAILED', { wall_seconds: 3 });
  return { tracking, parent, child, warnings };
}

describe('file-store layout', () => {
  it('writes experiments, runs, metrics, params, tags and artifacts where MLflow reads them', async () => {
    const store = await tempDir();
    const before = Date.now();
    const { tracking, parent, child, warnings } = await writeStudy(store);
    const mlruns = join(store, 'mlruns');
    assert.equal(tracking.uri, pathToFileURL(mlruns).href);
    assert.equal(child.uri, tracking.uri);
    assert.deepEqual(warnings, ['MLflow does not accept the param name "optimizer[beta]"; logged as "optimizer_beta_"']);

    assert.ok((await stat(join(mlruns, '.trash'))).isDirectory());
    const defaultMeta = parse(await readFile(join(mlruns, '0', 'meta.yaml'), 'utf8'));
    assert.equal(defaultMeta.name, 'Default');
    assert.equal(defaultMeta.experiment_id, '0');
    assert.equal(defaultMeta.artifact_location, pathToFileURL(join(mlruns, '0')).href);

    const expDir = join(mlruns, child.experimentId);
    assert.match(child.experimentId, /^[1-9]\d{17}$/);
    const expMeta = await readFile(join(expDir, 'meta.yaml'), 'utf8');
    const e = parse(expMeta);
    assert.deepEqual(Object.keys(e), ['artifact_location', 'creation_time', 'experiment_id', 'last_update_time', 'lifecycle_stage', 'name']);
    assert.equal(expMeta, renderMetaYaml({ ...e, experiment_id: child.experimentId, name: 'biomed', lifecycle_stage: 'active', artifact_location: pathToFileURL(expDir).href }));

    const runDir = join(expDir, child.runId);
    assert.match(child.runId, /^[0-9a-f]{32}$/);
    const meta = parse(await readFile(join(runDir, 'meta.yaml'), 'utf8'));
    assert.deepEqual(Object.keys(meta), ['artifact_uri', 'end_time', 'entry_point_name', 'experiment_id', 'lifecycle_stage', 'run_id', 'run_name', 'run_uuid', 'source_name', 'source_type', 'source_version', 'start_time', 'status', 'tags', 'user_id']);
    assert.equal(meta.run_id, child.runId);
    assert.equal(meta.run_uuid, child.runId);
    assert.equal(meta.status, 3);
    assert.equal(meta.source_type, 4);
    assert.equal(meta.run_name, 'finetune: chemprot (seed 1)');
    assert.equal(meta.artifact_uri, pathToFileURL(join(runDir, 'artifacts')).href);
    assert.ok(meta.start_time >= before && meta.end_time >= meta.start_time);
    const parentMeta = parse(await readFile(join(expDir, parent.runId, 'meta.yaml'), 'utf8'));
    assert.equal(parentMeta.status, 4);

    assert.equal(await readFile(join(runDir, 'metrics', 'loss'), 'utf8'), '1700000000000 2.5 0\n1700000000100 1.75 1\n');
    assert.equal(await readFile(join(runDir, 'metrics', 'dev', 'macro_f1'), 'utf8'), '1700000000000 0.25 0\n1700000000100 0.5 1\n');
    assert.equal(await readFile(join(runDir, 'metrics', 'perplexity'), 'utf8'), '1700000000000 inf 0\n1700000000100 12.5 1\n');
    assert.equal(await readFile(join(runDir, 'params', 'lr'), 'utf8'), '0.00002');
    assert.equal(await readFile(join(runDir, 'params', 'model.hidden_size'), 'utf8'), '64');
    assert.equal(await readFile(join(runDir, 'params', 'optimizer_beta_'), 'utf8'), '0.9');
    assert.equal(await readFile(join(runDir, 'tags', 'mlflow.parentRunId'), 'utf8'), parent.runId);
    assert.equal(await readFile(join(runDir, 'tags', 'mlflow.runName'), 'utf8'), 'finetune: chemprot (seed 1)');
    assert.equal(await readFile(join(runDir, 'tags', 'mlflow.source.type'), 'utf8'), 'LOCAL');
    assert.equal(await readFile(join(runDir, 'tags', 'dapt', 'sweep', 'mask'), 'utf8'), '0.15');
    assert.equal(await readFile(join(runDir, 'artifacts', 'metrics.json'), 'utf8'), '{"test_micro_f1":0.8}');
    assert.equal(await readFile(join(runDir, 'artifacts', 'report', 'table.md'), 'utf8'), '| arm | f1 |');
    assert.equal(await readFile(join(expDir, parent.runId, 'metrics', 'wall_seconds'), 'utf8').then((t) => t.split(' ').slice(1).join(' ')), '3.0 0\n');
    // No temp files left where MLflow would read them as keys or runs.
    const all = await readdir(mlruns, { recursive: true });
    assert.deepEqual(all.filter((p) => p.includes('.dapt-tmp')), []);
  });

  it('reads back through a reader mirroring MLflow’s FileStore (python3 + PyYAML)', async (t) => {
    if (!(await pythonWithYaml())) return t.skip('python3 with PyYAML is not available');
    const store = await tempDir();
    const { child, parent } = await writeStudy(store);
    const script = fileURLToPath(new URL('./fixtures/read_mlflow_file_store.py', import.meta.url));
    const { stdout } = await run('python3', [script, join(store, 'mlruns')]);
    const seen = JSON.parse(stdout);
    assert.equal(seen.trash, true);
    assert.deepEqual(seen.experiments.map((x: { name: string }) => x.name).sort(), ['Default', 'biomed']);
    const exp = seen.experiments.find((x: { name: string }) => x.name === 'biomed');
    const c = exp.runs.find((r: { run_id: string }) => r.run_id === child.runId);
    const p = exp.runs.find((r: { run_id: string }) => r.run_id === parent.runId);
    assert.equal(c.status, 'FINISHED');
    assert.equal(p.status, 'FAILED');
    assert.equal(c.source_type, 4);
    assert.deepEqual(c.metrics, {
      loss: [[1700000000000, '2.5', 0], [1700000000100, '1.75', 1]],
      'dev/macro_f1': [[1700000000000, '0.25', 0], [1700000000100, '0.5', 1]],
      perplexity: [[1700000000000, 'inf', 0], [1700000000100, '12.5', 1]],
    });
    assert.deepEqual(c.params, { lr: '0.00002', 'model.hidden_size': '64', optimizer_beta_: '0.9' });
    assert.equal(c.tags['mlflow.parentRunId'], parent.runId);
    assert.equal(c.tags['dapt/sweep/mask'], '0.15');
    assert.equal(c.run_name, 'finetune: chemprot (seed 1)');
  });

  it('params are immutable, as in MLflow: a changed value is ignored with a warning', async () => {
    const store = await tempDir();
    const { warnings, onWarning } = collectWarnings();
    const h = await openTracking({ storeDir: store, env: {}, onWarning }).startRun({ experiment: 'e', runName: 'r', params: { lr: 1 } });
    const logger = openRunLogger(h, { env: {}, onWarning });
    logger.params({ lr: 2 });
    await logger.flush();
    assert.equal(await readFile(join(store, 'mlruns', h.experimentId, h.runId, 'params', 'lr'), 'utf8'), '1');
    assert.equal(warnings.length, 1);
  });

  it('two creators of one experiment agree on its id', async () => {
    const store = await tempDir();
    const root = join(store, 'mlruns');
    const backends = Array.from({ length: 4 }, () => new FileStoreBackend(root, () => undefined));
    const ids = await Promise.all(backends.map((b) => b.experimentIdFor('shared')));
    assert.equal(new Set(ids).size, 1);
    const dirs = (await readdir(root)).filter((d) => d !== '.trash');
    assert.deepEqual(dirs.sort(), ['0', ids[0]!].sort());
  });

  it('two processes logging to one store at once leave every line intact', async () => {
    const store = await tempDir();
    const tracking = openTracking({ storeDir: store, env: {} });
    const shared = await tracking.startRun({ experiment: 'biomed', runName: 'shared' });
    const steps = 400;
    const outputs = await Promise.all(['a', 'b'].map((label) => runWriter(store, shared, label, steps)));
    const own: TrackingHandle[] = outputs.map((o) => JSON.parse(o));
    assert.equal(own[0]!.experimentId, own[1]!.experimentId, 'both writers found one "race" experiment');

    const sharedDir = join(store, 'mlruns', shared.experimentId, shared.runId);
    const lines = (await readFile(join(sharedDir, 'metrics', 'loss'), 'utf8')).split('\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines.length, 2 * steps);
    for (const line of lines) assert.match(line, /^\d{13} \d+\.25 \d+$/);
    const bySteps = lines.map((l) => Number(l.split(' ')[2])).sort((x, y) => x - y);
    assert.deepEqual(bySteps, Array.from({ length: steps }, (_, i) => [i, i]).flat());
    for (const label of ['a', 'b']) {
      const own = (await readFile(join(sharedDir, 'metrics', `writer_${label}`), 'utf8')).trim().split('\n');
      assert.equal(own.length, steps);
    }
    for (const h of own) {
      const meta = parse(await readFile(join(store, 'mlruns', h.experimentId, h.runId, 'meta.yaml'), 'utf8'));
      assert.equal(meta.status, 3);
      const loss = (await readFile(join(store, 'mlruns', h.experimentId, h.runId, 'metrics', 'loss'), 'utf8')).trim().split('\n');
      assert.equal(loss.length, steps);
    }
  });
});

function runWriter(store: string, handle: TrackingHandle, label: string, steps: number): Promise<string> {
  const script = fileURLToPath(new URL('./_file-store-writer.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, store, JSON.stringify(handle), label, String(steps)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((ok, fail) => child.on('exit', (code) => (code === 0 ? ok(out) : fail(new Error(`writer ${label} exited ${code}: ${err}`)))));
}
