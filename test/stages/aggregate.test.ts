import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isDaptError } from '../../src/errors.ts';
import type { ResultsFile } from '../../src/report/types.ts';
import { type Fixture, SCORES, evKey, ftKey, makeFixture, runAggregate, runId } from '../report/_fixture.ts';

describe('aggregate stage', () => {
  const fixtures: Fixture[] = [];
  after(() => fixtures.forEach((f) => f.cleanup()));

  it('collects every evaluate stage into results.json', async () => {
    const f = makeFixture({ partial: false });
    fixtures.push(f);
    const { outcome, workDir } = await runAggregate(f);
    const results = JSON.parse(readFileSync(join(workDir, 'results.json'), 'utf8')) as ResultsFile;

    assert.equal(results.formatVersion, 1);
    assert.equal(results.experiment, 'demo');
    assert.equal(results.baselineArm, 'roberta');
    assert.equal(results.cells.length, 2 * 2 * 3);
    for (const c of results.cells) {
      const [dev, test] = SCORES[c.arm]![c.task]![c.seed]!;
      assert.equal(c.status, 'done');
      assert.equal(c.dev, dev);
      assert.equal(c.test, test);
      assert.equal(c.evaluate.stage, evKey(c.arm, c.task, c.seed));
      assert.equal(c.evaluate.mlflowRunId, runId(evKey(c.arm, c.task, c.seed)));
      assert.equal(c.finetune.mlflowRunId, runId(ftKey(c.arm, c.task, c.seed)));
    }
    const resampled = results.cells.find((c) => c.arm === 'roberta' && c.task === 'chemprot' && c.seed === 2)!;
    assert.equal(resampled.resamples, 1);
    assert.equal(resampled.seedUsed, 1002);

    // roberta/chemprot/test = [0.78, 0.81, 0.80]: mean 0.796667, sample std 0.0152753 (see stats.test.ts).
    const s = results.summaries.find((x) => x.arm === 'roberta' && x.task === 'chemprot' && x.split === 'test')!;
    assert.ok(Math.abs(s.mean! - 0.7966667) < 1e-6 && Math.abs(s.std! - 0.0152753) < 1e-6);
    const cmp = results.comparisons.find((x) => x.arm === 'dapt' && x.task === 'chemprot' && x.split === 'test')!;
    assert.ok(Math.abs(cmp.ttest!.t - 8 / Math.sqrt(13)) < 1e-9);

    assert.deepEqual(results.mlm.map((m) => [m.model, m.corpus, m.loss]), [['base', 'biomed', 2.5], ['dapt', 'biomed', 2.0]]);
    assert.equal(results.targets['roberta']?.['chemprot']?.mean, 81.9);
    assert.deepEqual(outcome.metrics, { cells: 12, cells_done: 12, cells_dropped: 0, resamples: 1, mlm_cells: 2 });
  });

  it('refuses to aggregate an unfinished evaluate stage', async () => {
    const f = makeFixture({ partial: true });
    fixtures.push(f);
    await assert.rejects(runAggregate(f), (e) => isDaptError(e) && e.code === 'DAPT_STORE_CORRUPT' && e.message.includes(evKey('dapt', 'acl', 3)));
  });
});
