import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClaimSpec, Stage } from '../../src/plan/types.ts';
import { convergenceOf } from '../../src/report/convergence.ts';
import type { CellResult, ProbeResult } from '../../src/report/types.ts';
import { judgeClaim } from '../../src/report/verdicts.ts';
import { minimumDetectableEffect, sampleStd } from '../../src/report/stats.ts';

const prov = (stage: string) => ({ stage, mlflowRunId: null, mlflowUri: null });

function cells(arm: string, test: number[], extra: Partial<CellResult> = {}): CellResult[] {
  return test.map((t, i) => ({
    point: 'p', arm, task: 't', seed: i + 1, metric: 'macro_f1', status: 'done', dev: t, test: t, resamples: 0, seedUsed: null,
    evaluate: prov(`ev-${arm}-${i}`), finetune: prov(`ft-${arm}-${i}`), ...extra,
  }));
}

const claim: ClaimSpec = { point: 'p', task: 't', claim: 'DAPT > base', better: 'dapt', worse: 'base', relation: '>' };

describe('verdicts', () => {
  const base = [0.5, 0.52, 0.48, 0.51, 0.49];

  it('supported: significantly ahead; the MDE is the design\'s at the observed spread', () => {
    const dapt = base.map((b, i) => b + 0.05 + [0.01, -0.01, 0.005, 0, -0.005][i]!);
    const v = judgeClaim(claim, [...cells('base', base), ...cells('dapt', dapt)], []);
    assert.equal(v.verdict, 'supported');
    assert.deepEqual(v.sharedSeeds, [1, 2, 3, 4, 5]);
    assert.ok(Math.abs(v.meanDiff! - 0.05) < 1e-12);
    const sd = sampleStd(dapt.map((d, i) => d - base[i]!))!;
    assert.ok(Math.abs(v.mde! - minimumDetectableEffect(5, sd)!) < 1e-12);
    assert.match(v.wilcoxonNote!, /5 pairs .* cannot go below p = 0\.063/);
  });

  it('contradicted: significantly behind', () => {
    const dapt = base.map((b, i) => b - 0.04 + (i % 2 ? 0.005 : -0.005));
    assert.equal(judgeClaim(claim, [...cells('base', base), ...cells('dapt', dapt)], []).verdict, 'contradicted');
  });

  it('inconclusive: noise larger than the difference, with the MDE it could not rule out', () => {
    const dapt = base.map((b, i) => b + [0.05, -0.06, 0.04, -0.03, 0.01][i]!);
    const v = judgeClaim(claim, [...cells('base', base), ...cells('dapt', dapt)], []);
    assert.equal(v.verdict, 'inconclusive');
    assert.ok(v.mde! > Math.abs(v.meanDiff!));
  });

  it('no data without results; probe differences come from the test scores of the probes', () => {
    const probe = (arm: string, mean: number, cls: number): ProbeResult => ({
      point: 'p', arm, task: 't', metric: 'macro_f1', status: 'done', evaluate: prov(arm),
      pooling: { mean: { dev: 0, test: mean, c: 1 }, cls: { dev: 0, test: cls, c: 1 } },
    });
    const v = judgeClaim(claim, [], [probe('dapt', 0.6, 0.4), probe('base', 0.5, 0.45)]);
    assert.equal(v.verdict, 'no data');
    assert.ok(Math.abs(v.probe.mean! - 0.1) < 1e-12 && Math.abs(v.probe.cls! + 0.05) < 1e-12);
    assert.equal(v.wilcoxonNote, null);
  });
});

describe('convergence of fine-tuning runs', () => {
  it('counts runs early stopping ended and flags those that used every epoch', () => {
    const finetune = (key: string): Stage =>
      ({ kind: 'finetune', key, params: { hparams: { epochs: 10, patience: 3 } }, parents: [], title: key, labels: [], inputs: {} }) as unknown as Stage;
    // Seed 1: best 4, ran 7 → stopped (7 − 4 ≥ 3). Seed 2: best 9, ran 10 → ran out.
    // Seed 3: best 7, ran 10 → stopped on the last epoch. Seed 4: still running (no epochs yet).
    const cs = cells('a', [0.5, 0.5, 0.5, 0.5]).map((c, i) => ({ ...c, epochsRun: [7, 10, 10, null][i]!, bestEpoch: [4, 9, 7, null][i]! }));
    const [g] = convergenceOf(cs, new Map(cs.map((c) => [c.finetune.stage, finetune(c.finetune.stage)])));
    assert.deepEqual(
      { runs: g!.runs, stoppedEarly: g!.stoppedEarly, ranOut: g!.ranOut, seeds: g!.ranOutSeeds, best: g!.bestEpochs, max: g!.maxEpochs },
      { runs: 3, stoppedEarly: 2, ranOut: 1, seeds: [2], best: [4, 9, 7], max: 10 },
    );
  });
});
