/** The stage-side logger: background flushes lose nothing, and nothing it does throws. */
import assert from 'node:assert/strict';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openRunLogger, openTracking } from '../../src/track/index.ts';
import { untilChanged } from '../_until.ts';
import { collectWarnings, tempDir } from './_helpers.ts';

const lines = async (file: string) => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;

describe('RunLogger', () => {
  it('flushes a full buffer in the background and loses no point when flushes overlap', async () => {
    const store = await tempDir();
    const h = await openTracking({ storeDir: store, env: {} }).startRun({ experiment: 'e', runName: 'r' });
    const logger = openRunLogger(h, { env: {} });
    const metricsDir = join(store, 'mlruns', h.experimentId, h.runId, 'metrics');
    const file = join(metricsDir, 'loss');
    for (let step = 0; step < 5000; step++) logger.metrics(step, { loss: step }, 1_700_000_000_000 + step);
    // no flush() here: only the background flush can write these (the runner's timeout bounds the wait)
    await untilChanged(metricsDir, async () => (await lines(file)) >= 5000);
    assert.equal(await lines(file), 5000, 'written without an explicit flush');
    logger.metrics(5000, { loss: 0 });
    await logger.finish('FINISHED');
    assert.equal(await lines(file), 5001);
  });

  it('never throws: an unusable tracking URI or a vanished run become warnings', async () => {
    const { warnings, onWarning } = collectWarnings();
    const bad = openRunLogger({ uri: 'sqlite:///x.db', experimentId: '1', runId: 'r', outbox: '/nonexistent' }, { env: {}, onWarning });
    bad.metrics(1, { loss: 1 });
    await bad.finish('FAILED');
    assert.match(warnings[0] ?? '', /tracking disabled for this stage: no tracking store handles sqlite/);

    const store = await tempDir();
    const h = await openTracking({ storeDir: store, env: {} }).startRun({ experiment: 'e', runName: 'r' });
    await rm(join(store, 'mlruns', h.experimentId, h.runId), { recursive: true });
    const logger = openRunLogger(h, { env: {}, onWarning });
    logger.metrics(1, { loss: 1 });
    await logger.finish('FINISHED');
    assert.ok(warnings.some((w) => /refused a log-batch .*not found/.test(w)), warnings.join('\n'));
    assert.equal((await readdir(join(store, 'mlflow-outbox', 'rejected'))).length, 2, 'the batch and the status update are kept');
  });
});
