/**
 * Tracking never stops training: with the server down or failing, records go to the outbox and
 * `sync()` replays each exactly once — also when a sync is interrupted, when a client crashes after
 * the server acknowledged a request, and when two replayers race.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openRunLogger, openTracking, type TrackingHandle } from '../../src/track/index.ts';
import { sync as syncCommand } from '../../src/cli/commands/sync.ts';
import { FAST_RETRY, tempDir } from './_helpers.ts';
import { startFakeMlflow, type FakeMlflowServer } from './_mlflow-server.ts';

const API = '/api/2.0/mlflow';
const STEPS_PER_FLUSH = 20;
let server: FakeMlflowServer;
let store: string;

before(async () => {
  server = await startFakeMlflow();
});
after(() => server.stop());
beforeEach(async () => {
  await server.start().catch(() => undefined);
  server.requests.length = 0;
  server.faults.length = 0;
  server.runs.clear();
  server.experiments.clear();
  store = await tempDir();
});

const env = () => ({ MLFLOW_TRACKING_URI: server.uri });
const quiet = { retry: FAST_RETRY, onWarning: () => undefined };
const tracking = () => openTracking({ storeDir: store, env: env(), ...quiet });
const logger = (h: TrackingHandle) => openRunLogger(h, { env: env(), ...quiet });
const pendingFiles = async () => (await readdir(join(store, 'mlflow-outbox', 'pending')).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));

/** A parent run, a child stage run with `flushes` flushes of metrics, an artifact, both finished. */
async function logStudy(flushes: number, opts: { artifact?: boolean } = {}) {
  const t = tracking();
  const parent = await t.startRun({ experiment: 'biomed', runName: 'dapt run', params: { seeds: 3 } });
  const child = await t.startRun({ experiment: 'biomed', runName: 'pretrain', parent, tags: { 'dapt.kind': 'pretrain' } });
  const log = logger(child);
  log.params({ lr: 0.0005 });
  for (let f = 0; f < flushes; f++) {
    for (let s = 0; s < STEPS_PER_FLUSH; s++) {
      const step = f * STEPS_PER_FLUSH + s;
      log.metrics(step, { loss: 10 / (step + 1), lr: 0.0005 }, 1_700_000_000_000 + step);
    }
    await log.flush();
  }
  if (opts.artifact) {
    const file = join(store, 'metrics.json');
    await writeFile(file, '{"final_loss":0.5}');
    log.artifact(file);
  }
  await log.finish('FINISHED');
  await t.finishRun(parent, 'FINISHED', { wall_seconds: 12 });
  return { parent, child };
}

/** The server holds the study exactly once. */
function assertStudyOnce(flushes: number) {
  const runs = [...server.runs.values()];
  assert.equal(runs.length, 2, `runs: ${runs.map((r) => r.info.run_name).join(', ')}`);
  const parent = runs.find((r) => r.info.run_name === 'dapt run')!;
  const child = runs.find((r) => r.info.run_name === 'pretrain')!;
  assert.equal(child.tags.get('mlflow.parentRunId'), parent.info.run_id);
  assert.equal(child.metrics.length, flushes * STEPS_PER_FLUSH * 2);
  const ids = child.metrics.map((m) => `${m.key}/${m.step}/${m.timestamp}`);
  assert.equal(new Set(ids).size, ids.length, 'no metric point twice');
  assert.equal(child.params.get('lr'), '0.0005');
  assert.equal(parent.params.get('seeds'), '3');
  assert.equal(child.info.status, 'FINISHED');
  assert.equal(parent.info.status, 'FINISHED');
  assert.equal(parent.metrics.length, 1);
}

describe('outbox', () => {
  it('keeps everything while the server is down, then replays it once', async () => {
    await server.stop();
    const { parent, child } = await logStudy(3, { artifact: true });
    assert.match(parent.runId, /^offline-[0-9a-f]{32}$/);
    assert.equal(parent.experimentId, '');
    assert.match(child.runId, /^offline-/);

    const stillDown = await tracking().sync();
    assert.equal(stillDown.replayed, 0);
    assert.ok(stillDown.pending > 0);
    assert.match(stillDown.error ?? '', /unreachable.*ECONNREFUSED/);

    await server.start();
    const result = await tracking().sync();
    assert.deepEqual({ ...result }, { replayed: stillDown.pending, pending: 0, rejected: 0 });
    assertStudyOnce(3);
    const childRun = [...server.runs.values()].find((r) => r.info.run_name === 'pretrain')!;
    assert.equal(server.artifacts.get(`${childRun.info.experiment_id}/${childRun.info.run_id}/artifacts/metrics.json`)?.toString(), '{"final_loss":0.5}');
    // Per run, records arrive in the order they were made: the status update comes last.
    const childCalls = server.requests.filter((r) => r.body?.run_id === childRun.info.run_id).map((r) => r.path.slice(API.length));
    assert.equal(childCalls.at(-1), '/runs/update');
    assert.deepEqual(await tracking().sync(), { replayed: 0, pending: 0, rejected: 0 });
  });

  it('a run linking to a run still in the outbox waits for it: MLflow only ever sees the real id', async () => {
    await server.stop();
    const offline = await tracking().startRun({ experiment: 'biomed', runName: 'producer' });
    assert.match(offline.runId, /^offline-/);
    await server.start();
    // The store is back, but the producer has not been replayed yet: the link cannot be sent yet.
    const hit = await tracking().startRun({ experiment: 'biomed', runName: 'cache hit', tags: { 'dapt.produced_by_run': offline.runId } });
    assert.match(hit.runId, /^offline-/, 'created through the outbox, after the producer');
    assert.equal(server.runs.size, 0);
    assert.deepEqual(await tracking().sync(), { replayed: 2, pending: 0, rejected: 0 });
    const runs = [...server.runs.values()];
    const producer = runs.find((r) => r.info.run_name === 'producer')!;
    assert.equal(runs.find((r) => r.info.run_name === 'cache hit')!.tags.get('dapt.produced_by_run'), producer.info.run_id);
    // Now that the producer exists, a new link is sent at once, with its real id.
    // (An arm named like a placeholder is just a name.)
    const live = await tracking().startRun({ experiment: 'biomed', runName: 'second hit', tags: { 'dapt.produced_by_run': offline.runId, 'dapt.arm': 'offline-first' } });
    assert.doesNotMatch(live.runId, /^offline-/);
    assert.equal(server.runs.get(live.runId)!.tags.get('dapt.produced_by_run'), producer.info.run_id);
    assert.equal(server.runs.get(live.runId)!.tags.get('dapt.arm'), 'offline-first');
  });

  it('a resumed run is RUNNING again and keeps its end time until it ends again', async () => {
    const t = tracking();
    const run = await t.startRun({ experiment: 'biomed', runName: 'stage' });
    await t.finishRun(run, 'KILLED', undefined, { 'dapt.attempt.1': 'KILLED: interrupted' });
    const stored = server.runs.get(run.runId)!;
    const killedAt = stored.info.end_time;
    assert.equal(stored.info.status, 'KILLED');
    await t.resumeRun(run, { 'dapt.attempt': '2' });
    assert.equal(stored.info.status, 'RUNNING');
    assert.equal(stored.info.end_time, killedAt);
    assert.equal(server.calls(`${API}/runs/update`).at(-1)!.body.end_time, undefined, 'as MLflow\'s client resumes a run');
    assert.deepEqual([stored.tags.get('dapt.attempt'), stored.tags.get('dapt.attempt.1')], ['2', 'KILLED: interrupted']);
  });

  it('sends records to the outbox when the server starts failing mid-run, and replays them on recovery', async () => {
    const t = tracking();
    const parent = await t.startRun({ experiment: 'biomed', runName: 'dapt run', params: { seeds: 3 } });
    const child = await t.startRun({ experiment: 'biomed', runName: 'pretrain', parent });
    const log = logger(child);
    log.params({ lr: 0.0005 });
    for (let f = 0; f < 5; f++) {
      if (f === 2) server.fail({ kind: 'status', status: 503, body: '<h1>Service Unavailable</h1>' }, () => true, 10_000);
      for (let s = 0; s < STEPS_PER_FLUSH; s++) {
        const step = f * STEPS_PER_FLUSH + s;
        log.metrics(step, { loss: 10 / (step + 1), lr: 0.0005 }, 1_700_000_000_000 + step);
      }
      await log.flush();
    }
    await log.finish('FINISHED');
    await t.finishRun(parent, 'FINISHED', { wall_seconds: 12 });
    assert.ok((await pendingFiles()).length >= 5);

    const failing = await t.sync();
    assert.equal(failing.replayed, 0);
    assert.match(failing.error ?? '', /503 Service Unavailable: Service Unavailable/);

    server.faults.length = 0;
    const recovered = await t.sync();
    assert.equal(recovered.pending, 0);
    assertStudyOnce(5);
  });

  it('a stage logger drains its run backlog once the server is back, then logs live', async () => {
    await server.stop();
    const t = tracking();
    const handle = await t.startRun({ experiment: 'e', runName: 'pretrain' });
    const first = logger(handle);
    first.metrics(1, { loss: 1 }, 1000);
    await first.flush();
    await server.start();
    const second = logger(handle); // e.g. the stage process after a restart
    second.metrics(2, { loss: 0.5 }, 2000);
    await second.flush();
    assert.deepEqual(await pendingFiles(), []);
    const run = [...server.runs.values()][0]!;
    assert.deepEqual(run.metrics.map((m) => m.step), [1, 2]);
  });

  it('an interrupted sync can be re-run without duplicates', async () => {
    await server.stop();
    await logStudy(6);
    await server.start();
    server.fail({ kind: 'drop-before' }, () => server.requests.length > 7, 10_000);
    const interrupted = await tracking().sync();
    assert.ok(interrupted.replayed > 0 && interrupted.pending > 0, JSON.stringify(interrupted));
    server.faults.length = 0;
    const rest = await tracking().sync();
    assert.equal(rest.pending, 0);
    assertStudyOnce(6);
  });

  it('a record the server stored before the client crashed is not sent twice', async () => {
    await server.stop();
    await logStudy(4);
    const pending = (await pendingFiles()).length;
    await server.start();
    // The server handles the second log-batch, then the replaying process is killed before the answer.
    let batches = 0;
    server.fail({ kind: 'hang-after' }, (r) => r.path.endsWith('/runs/log-batch') && ++batches === 2);
    const killed = await runChildSync((child) => (server.onHang = () => child.kill('SIGKILL')));
    assert.equal(killed.signal, 'SIGKILL');
    assert.ok((await pendingFiles()).length < pending);

    const result = await tracking().sync(); // also takes over the dead process's lock
    assert.equal(result.pending, 0);
    assertStudyOnce(4);
  });

  it('a run the server created before the client crashed is not created twice', async () => {
    await server.stop();
    await logStudy(1);
    await server.start();
    let creates = 0;
    server.fail({ kind: 'hang-after' }, (r) => r.path.endsWith('/runs/create') && ++creates === 2);
    const killed = await runChildSync((child) => (server.onHang = () => child.kill('SIGKILL')));
    assert.equal(killed.signal, 'SIGKILL');
    assert.equal(server.runs.size, 2, 'the child run exists on the server, but its id was never saved');

    const result = await tracking().sync();
    assert.equal(result.pending, 0);
    assert.ok(server.calls(`${API}/runs/search`).length >= 1, 'looked the run up by its client id');
    assertStudyOnce(1);
  });

  it('two replayers at once deliver each record once', async () => {
    await server.stop();
    await logStudy(3);
    const pending = (await pendingFiles()).length;
    await server.start();
    const [a, b] = await Promise.all([tracking().sync(), tracking().sync()]);
    assert.equal(a.replayed + b.replayed, pending);
    assertStudyOnce(3);
  });

  it('a record the server refuses for good is kept in rejected/ and the rest replays', async () => {
    await server.stop();
    const t = tracking();
    const h = await t.startRun({ experiment: 'e', runName: 'r', params: { a: 1 } });
    const log = logger(h);
    log.metrics(1, { loss: 1 });
    await log.flush();
    await server.start();
    server.fail({ kind: 'status', status: 400, contentType: 'application/json', body: JSON.stringify({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Changing param values is not allowed' }) }, (r) => r.body?.params?.length > 0);
    const result = await t.sync();
    assert.deepEqual({ ...result }, { replayed: 2, pending: 0, rejected: 1 });
    const rejected = await readdir(join(store, 'mlflow-outbox', 'rejected'));
    assert.equal(rejected.length, 1);
  });
});

describe('dapt sync', () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, env: env(), cwd: store } as never,
    };
  };

  it('prints replayed/pending and exits 1 while records remain, 0 once all are sent', async () => {
    await server.stop();
    await logStudy(1);
    const down = io();
    assert.equal(await syncCommand.run({ values: { store: '.' }, positionals: [] }, down.io), 1);
    assert.match(down.out.join(''), /^replayed 0 records; \d+ pending\n$/);
    assert.match(down.err.join(''), /still pending: MLflow server .* unreachable/);

    await server.start();
    const up = io();
    assert.equal(await syncCommand.run({ values: { store: '.' }, positionals: [] }, up.io), 0);
    assert.match(up.out.join(''), /^replayed \d+ records; 0 pending\n$/);
  });

  it('names a missing store', async () => {
    await assert.rejects(syncCommand.run({ values: { store: 'nope' }, positionals: [] }, io().io), /run store not found: .*nope/);
  });
});

function runChildSync(onStart: (child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  const script = fileURLToPath(new URL('./_sync-child.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, store, server.uri], { stdio: ['ignore', 'pipe', 'inherit'] });
  onStart(child);
  let stdout = '';
  child.stdout!.on('data', (d) => (stdout += d));
  return new Promise((ok) => child.on('exit', (code, signal) => ok({ code, signal, stdout })));
}
