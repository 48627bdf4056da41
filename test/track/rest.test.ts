/** The REST client against an in-process MLflow server: exact requests, limits, retries, errors. */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { TrackingError, openRunLogger, openTracking } from '../../src/track/index.ts';
import { MlflowHttp } from '../../src/track/rest/http.ts';
import { FAST_RETRY, collectWarnings, tempDir } from './_helpers.ts';
import { startFakeMlflow, type FakeMlflowServer } from './_mlflow-server.ts';

const API = '/api/2.0/mlflow';
let server: FakeMlflowServer;
let store: string;

before(async () => {
  server = await startFakeMlflow();
});
after(() => server.stop());
beforeEach(async () => {
  server.requests.length = 0;
  server.faults.length = 0;
  store = await tempDir();
});

const tagsOf = (body: { tags: { key: string; value: string }[] }) => Object.fromEntries(body.tags.map((t) => [t.key, t.value]));

function open(env: NodeJS.ProcessEnv = {}) {
  const w = collectWarnings();
  const tracking = openTracking({ storeDir: store, env: { MLFLOW_TRACKING_URI: server.uri, ...env }, retry: FAST_RETRY, onWarning: w.onWarning });
  return { tracking, ...w };
}

describe('runs and experiments', () => {
  it('sends the exact requests for a parent run, a nested child and its end', async () => {
    const { tracking } = open({ MLFLOW_TRACKING_TOKEN: 'secret-token' });
    assert.equal(tracking.uri, server.uri);
    const before = Date.now();
    const parent = await tracking.startRun({ experiment: 'biomed', runName: 'dapt run 1', tags: { 'dapt.kind': 'run' }, params: { seeds: 5, fast: true } });
    const child = await tracking.startRun({ experiment: 'biomed', runName: 'finetune chemprot s1', parent, tags: { 'mlflow.source.name': 'experiments/biomed.yaml' } });
    await tracking.finishRun(child, 'FINISHED', { test_micro_f1: 0.8125 });
    const afterAll = Date.now();

    const seen = server.requests.map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(seen, [
      `GET ${API}/experiments/get-by-name`,
      `POST ${API}/experiments/create`,
      `POST ${API}/runs/create`,
      `POST ${API}/runs/log-batch`,
      `POST ${API}/runs/create`,
      `POST ${API}/runs/log-batch`,
      `POST ${API}/runs/update`,
    ]);
    const [getByName, create, createParent, params, createChild, finalMetrics, update] = server.requests as [any, any, any, any, any, any, any];
    assert.deepEqual(getByName.query, { experiment_name: 'biomed' });
    assert.deepEqual(create.body, { name: 'biomed' });

    const p = createParent.body;
    assert.deepEqual(Object.keys(p).sort(), ['experiment_id', 'run_name', 'start_time', 'tags', 'user_id']);
    assert.equal(p.experiment_id, '1');
    assert.equal(p.run_name, 'dapt run 1');
    assert.ok(p.start_time >= before && p.start_time <= afterAll);
    const pt = tagsOf(p);
    assert.equal(pt['mlflow.runName'], 'dapt run 1');
    assert.equal(pt['mlflow.user'], p.user_id);
    assert.equal(pt['mlflow.source.type'], 'LOCAL');
    assert.ok(pt['mlflow.source.name']);
    assert.equal(pt['dapt.kind'], 'run');
    assert.match(pt['dapt.client_run_id']!, /^[0-9a-f]{32}$/);
    assert.equal(pt['mlflow.parentRunId'], undefined);

    assert.deepEqual(params.body, { run_id: parent.runId, metrics: [], params: [{ key: 'seeds', value: '5' }, { key: 'fast', value: 'true' }], tags: [] });

    const ct = tagsOf(createChild.body);
    assert.equal(ct['mlflow.parentRunId'], parent.runId);
    assert.equal(ct['mlflow.source.name'], 'experiments/biomed.yaml', 'caller tags win over defaults');
    assert.equal(createChild.body.run_name, 'finetune chemprot s1');

    assert.equal(finalMetrics.body.run_id, child.runId);
    assert.equal(finalMetrics.body.metrics.length, 1);
    assert.deepEqual({ ...finalMetrics.body.metrics[0], timestamp: 0 }, { key: 'test_micro_f1', value: 0.8125, step: 0, timestamp: 0 });
    assert.equal(update.body.run_id, child.runId);
    assert.equal(update.body.status, 'FINISHED');
    assert.ok(update.body.end_time >= before && update.body.end_time <= afterAll);

    for (const r of server.requests) assert.equal(r.headers.authorization, 'Bearer secret-token');
    assert.deepEqual(child, { uri: server.uri, experimentId: '1', runId: child.runId, outbox: join(store, 'mlflow-outbox') });
  });

  it('sets a lone tag with runs/set-tag', async () => {
    const { tracking } = open();
    const handle = await tracking.startRun({ experiment: 'biomed', runName: 'tagged' });
    server.requests.length = 0;
    const logger = openRunLogger(handle, { env: { MLFLOW_TRACKING_URI: server.uri } });
    logger.tags({ 'dapt.backend': 'wasm' });
    await logger.flush();
    assert.deepEqual(server.requests.map((r) => [r.path, r.body]), [[`${API}/runs/set-tag`, { run_id: handle.runId, key: 'dapt.backend', value: 'wasm' }]]);
  });

  it('reuses an existing experiment and authenticates with username and password', async () => {
    const { tracking } = open({ MLFLOW_TRACKING_USERNAME: 'ann', MLFLOW_TRACKING_PASSWORD: 'pw' });
    await tracking.startRun({ experiment: 'biomed', runName: 'again' });
    assert.deepEqual(server.requests.map((r) => r.path), [`${API}/experiments/get-by-name`, `${API}/runs/create`]);
    assert.equal(server.requests[0]!.headers.authorization, `Basic ${Buffer.from('ann:pw').toString('base64')}`);
  });

  it('resolves a creation race to the experiment that won', async () => {
    // Someone else creates the experiment between our get-by-name and our create.
    server.fail({ kind: 'status', status: 404, contentType: 'application/json', body: JSON.stringify({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'nope' }) }, (r) => r.path.endsWith('get-by-name'));
    const { tracking } = open();
    const handle = await tracking.startRun({ experiment: 'biomed', runName: 'r' });
    assert.equal(handle.experimentId, '1');
    assert.deepEqual(server.requests.map((r) => r.path.slice(API.length)), ['/experiments/get-by-name', '/experiments/create', '/experiments/get-by-name', '/runs/create']);
  });

  it('refuses to log into a deleted experiment', async () => {
    server.experiments.set('99', { experiment_id: '99', name: 'gone', lifecycle_stage: 'deleted' });
    const { tracking } = open();
    await assert.rejects(tracking.startRun({ experiment: 'gone', runName: 'r' }), (e: unknown) => e instanceof TrackingError && /deleted/.test(e.message));
  });
});

describe('log-batch limits', () => {
  it('splits 2,500 metrics, 150 params and a 1.5 MB payload into requests within every limit', async () => {
    const { tracking, warnings } = open();
    const handle = await tracking.startRun({ experiment: 'limits', runName: 'r' });
    server.requests.length = 0;
    const logger = openRunLogger(handle, { env: { MLFLOW_TRACKING_URI: server.uri }, retry: FAST_RETRY, onWarning: (m) => warnings.push(m) });
    for (let step = 0; step < 2500; step++) logger.metrics(step, { loss: 1 / (step + 1) }, 1_700_000_000_000 + step);
    await logger.flush();
    assert.deepEqual(server.calls(`${API}/runs/log-batch`).map((r) => r.body.metrics.length), [1000, 1000, 500]);

    server.requests.length = 0;
    logger.params(Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`p${i}`, i])));
    await logger.flush();
    assert.deepEqual(server.calls(`${API}/runs/log-batch`).map((r) => r.body.params.length), [100, 50]);

    server.requests.length = 0;
    logger.params(Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`big${i}`, 'é'.repeat(5000)])));
    logger.tags(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`big${i}`, 'é'.repeat(5000)])));
    await logger.flush();
    const big = server.calls(`${API}/runs/log-batch`);
    assert.ok(big.length >= 2);
    assert.equal(big.reduce((n, r) => n + r.bytes, 0) > 1_500_000, true);
    for (const r of big) assert.ok(r.bytes <= 1_000_000, `${r.bytes} bytes`);

    const run = server.runs.get(handle.runId)!;
    assert.equal(run.metrics.length, 2500);
    assert.equal(run.params.size, 250);
    assert.equal(warnings.length, 0, warnings.join('\n'));
  });

  it('renames over-long and invalid keys and truncates over-long values, with warnings', async () => {
    const { tracking, warnings } = open();
    const handle = await tracking.startRun({ experiment: 'limits', runName: 'long' });
    const logger = openRunLogger(handle, { env: { MLFLOW_TRACKING_URI: server.uri }, onWarning: (m) => warnings.push(m) });
    const longKey = 'k'.repeat(300);
    logger.params({ [longKey]: 'v', 'optimizer[lr]': 0.1, spec: 'x'.repeat(7000) });
    logger.tags({ note: 'y'.repeat(9000) });
    logger.metrics(1, { 'dev/loss': 0.5 });
    await logger.flush();
    const run = server.runs.get(handle.runId)!;
    assert.equal(run.params.get('optimizer_lr_'), '0.1');
    const renamed = [...run.params.keys()].find((k) => k.startsWith('kkk'))!;
    assert.equal([...renamed].length, 250);
    assert.equal([...run.params.get('spec')!].length, 6000);
    assert.match(run.params.get('spec')!, /truncated by dapt: 7000 chars/);
    assert.equal([...run.tags.get('note')!].length, 8000);
    assert.equal(run.metrics[0]!.key, 'dev/loss');
    assert.equal(warnings.length, 4, warnings.join('\n'));
  });
});

describe('retries and errors', () => {
  it('retries an idempotent request after 5xx, not after 4xx', async () => {
    const { tracking, warnings } = open();
    const handle = await tracking.startRun({ experiment: 'retry', runName: 'r' });
    server.requests.length = 0;
    server.fail({ kind: 'status', status: 503, body: 'busy' }, (r) => r.path.endsWith('/runs/update'), 2);
    await tracking.finishRun(handle, 'FAILED');
    assert.equal(server.calls(`${API}/runs/update`).length, 3);
    assert.equal(server.runs.get(handle.runId)!.info.status, 'FAILED');

    server.requests.length = 0;
    server.fail({ kind: 'status', status: 400, contentType: 'application/json', body: JSON.stringify({ error_code: 'INVALID_PARAMETER_VALUE', message: 'bad' }) }, (r) => r.path.endsWith('/runs/update'));
    await tracking.finishRun(handle, 'KILLED');
    assert.equal(server.calls(`${API}/runs/update`).length, 1);
    assert.ok(warnings.some((w) => /refused .*400.*INVALID_PARAMETER_VALUE: bad/.test(w)), warnings.join('\n'));
  });

  it('after a connection lost mid-request, checks the history (with max_results) before sending metrics again: no duplicates', async () => {
    const { tracking } = open();
    const handle = await tracking.startRun({ experiment: 'retry', runName: 'metrics' });
    // The server stores the batch, then a proxy answers 502: the client cannot know it arrived.
    server.fail({ kind: 'drop-after' }, (r) => r.path.endsWith('/runs/log-batch'));
    const logger = openRunLogger(handle, { env: { MLFLOW_TRACKING_URI: server.uri }, retry: FAST_RETRY });
    for (let step = 0; step < 10; step++) logger.metrics(step, { loss: step, acc: step / 10 });
    await logger.flush();
    const history = server.calls(`${API}/metrics/get-history`);
    assert.deepEqual(history.map((r) => [r.query.metric_key, r.query.max_results]), [['loss', '25000'], ['acc', '25000']]);
    assert.equal(server.runs.get(handle.runId)!.metrics.length, 20);
  });

  it('retries 5xx on a new batch and sends each metric once', async () => {
    const { tracking } = open();
    const handle = await tracking.startRun({ experiment: 'retry', runName: 'm2' });
    server.fail({ kind: 'status', status: 500, body: '<html><body><h1>Internal Server Error</h1></body></html>' }, (r) => r.path.endsWith('/runs/log-batch'));
    const logger = openRunLogger(handle, { env: { MLFLOW_TRACKING_URI: server.uri }, retry: FAST_RETRY });
    logger.metrics(1, { loss: 1 });
    await logger.flush();
    assert.equal(server.calls(`${API}/runs/log-batch`).length, 2);
    assert.equal(server.runs.get(handle.runId)!.metrics.length, 1);
  });

  it('turns an HTML error page into a readable message', async () => {
    const page = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.25.3</center></body></html>';
    server.fail({ kind: 'status', status: 502, body: page });
    const http = new MlflowHttp(server.uri, {}, { ...FAST_RETRY, retries: 0 });
    await assert.rejects(http.request({ method: 'GET', path: `${API}/experiments/get-by-name`, query: { experiment_name: 'x' }, idempotent: true }), (e: unknown) => {
      assert.ok(e instanceof TrackingError);
      assert.equal(e.message, 'MLflow server answered GET /api/2.0/mlflow/experiments/get-by-name with 502 Bad Gateway: 502 Bad Gateway 502 Bad Gateway nginx/1.25.3');
      assert.equal(e.transient, true);
      return true;
    });
  });

  it('says how to authenticate on 401', async () => {
    server.fail({ kind: 'status', status: 401, body: 'Unauthorized' });
    const http = new MlflowHttp(server.uri, {}, FAST_RETRY);
    await assert.rejects(http.request({ method: 'GET', path: `${API}/runs/get`, idempotent: true }), /401 Unauthorized \(set MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME\/PASSWORD\): Unauthorized/);
    assert.equal(server.requests.length, 1, 'no retry on 4xx');
  });
});

describe('artifacts', () => {
  it('uploads files and folders with PUT to the proxied artifact endpoint under the run artifact_uri', async () => {
    const { tracking } = open();
    const handle = await tracking.startRun({ experiment: 'art', runName: 'r' });
    const dir = await tempDir();
    await writeFile(join(dir, 'metrics.json'), '{"acc":1}');
    await mkdir(join(dir, 'report', 'plots'), { recursive: true });
    await writeFile(join(dir, 'report', 'table.md'), '| a |');
    await writeFile(join(dir, 'report', 'plots', 'loss curve.svg'), '<svg/>');
    server.requests.length = 0;
    const logger = openRunLogger(handle, { env: { MLFLOW_TRACKING_URI: server.uri } });
    logger.artifact(join(dir, 'metrics.json'));
    logger.artifact(join(dir, 'report'), 'report');
    await logger.flush();
    const prefix = `/api/2.0/mlflow-artifacts/artifacts/${handle.experimentId}/${handle.runId}/artifacts`;
    assert.deepEqual(server.requests.map((r) => `${r.method} ${r.path}`), [
      `GET ${API}/runs/get`,
      `PUT ${prefix}/metrics.json`,
      `PUT ${prefix}/report/plots/loss curve.svg`,
      `PUT ${prefix}/report/table.md`,
    ]);
    assert.equal(server.artifacts.get(`${handle.experimentId}/${handle.runId}/artifacts/metrics.json`)!.toString(), '{"acc":1}');
  });
});
