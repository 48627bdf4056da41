import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mean, pairedTTest, sampleStd, studentTTwoSidedP, wilcoxonSignedRank } from '../../src/report/stats.ts';

const close = (actual: number | null | undefined, expected: number, tol = 1e-6) =>
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= tol, `expected ${expected}, got ${actual}`);

describe('mean and sample std', () => {
  it('match hand computation', () => {
    // [0.78, 0.81, 0.80]: mean = 2.39/3 = 0.796667; deviations -0.016667, 0.013333, 0.003333;
    // squares 2.7778e-4 + 1.7778e-4 + 1.1111e-5 = 4.6667e-4; / (n-1=2) = 2.3333e-4; sqrt = 0.0152753.
    close(mean([0.78, 0.81, 0.8]), 0.7966667);
    close(sampleStd([0.78, 0.81, 0.8]), 0.0152753);
    // [2, 4, 4, 4, 5, 5, 7, 9]: mean 5, sum of squares 32, / 7 = 4.571429, sqrt = 2.13809 (population std would be 2).
    close(sampleStd([2, 4, 4, 4, 5, 5, 7, 9]), 2.1380899);
  });
  it('are undefined where they must be', () => {
    assert.equal(mean([]), null);
    assert.equal(sampleStd([0.5]), null);
    assert.equal(sampleStd([]), null);
    assert.equal(sampleStd([0.3, 0.3]), 0);
  });
});

describe('paired t-test', () => {
  it('matches a hand computation with df = 2', () => {
    // a − b = [0.02, 0.01, 0.05]; mean d = 0.08/3 = 0.0266667; deviations -0.0066667, -0.0166667, 0.0233333;
    // squares sum 8.6667e-4; var = 4.3333e-4; sd = 0.0208167; se = sd/√3 = 0.0120185; t = 2.2188.
    // Exactly: t² = 3·(0.08/3)² / 4.3333e-4 = 64/13, so t = 8/√13 = 2.2188008.
    // For df = 2 the Student-t CDF is 1/2 + t/(2√(2+t²)), so p = 1 − t/√(2+t²) = 1 − 8/√90 = 0.1567261.
    const r = pairedTTest([0.8, 0.82, 0.85], [0.78, 0.81, 0.8]);
    assert.ok(r.test);
    close(r.test.meanDiff, 0.0266667);
    close(r.test.sdDiff, 0.0208167);
    close(r.test.t, 8 / Math.sqrt(13));
    assert.equal(r.test.df, 2);
    close(r.test.p, 1 - 8 / Math.sqrt(90));
    assert.equal(r.test.n, 3);
  });
  it('matches a hand computation with df = 1', () => {
    // d = [0.06, 0.05]: mean 0.055, sd = √((0.005² + 0.005²)/1) = 0.0070711, se = sd/√2 = 0.005, t = 11.
    // df = 1 is the Cauchy distribution: p = 1 − 2·atan(11)/π = 2·atan(1/11)/π = 0.0577158.
    const r = pairedTTest([0.66, 0.69], [0.6, 0.64]);
    assert.ok(r.test);
    close(r.test.t, 11, 1e-9);
    assert.equal(r.test.df, 1);
    close(r.test.p, (2 * Math.atan(1 / 11)) / Math.PI);
  });
  it('is signed: a worse arm gets a negative t and the same p', () => {
    const better = pairedTTest([0.8, 0.82, 0.85], [0.78, 0.81, 0.8]);
    const worse = pairedTTest([0.78, 0.81, 0.8], [0.8, 0.82, 0.85]);
    assert.ok(better.test && worse.test);
    close(worse.test.t, -better.test.t);
    close(worse.test.p, better.test.p);
  });
  it('says why there is no test', () => {
    assert.deepEqual(pairedTTest([0.5], [0.4]), { test: null, note: 'n<2: no test' });
    assert.deepEqual(pairedTTest([], []), { test: null, note: 'n<2: no test' });
    const flat = pairedTTest([0.5, 0.75], [0.25, 0.5]);
    assert.equal(flat.test, null);
    assert.match((flat as { note: string }).note, /all equal/);
  });
  it('keeps precision in the far tail', () => {
    // df = 1: p = 2·atan(1/t)/π ≈ 2/(π t) for large t. Computing 1 − cdf(t) would round to 0;
    // the lower tail keeps it to jstat's incomplete-beta accuracy (relative error ~1e-5).
    const expected = (2 * Math.atan(1e-6)) / Math.PI;
    const p = studentTTwoSidedP(1e6, 1);
    assert.ok(Math.abs(p - expected) / expected < 1e-4, `expected ${expected}, got ${p}`);
  });
});

describe('exact Wilcoxon signed-rank', () => {
  it('matches a hand enumeration', () => {
    // d = [0.02, 0.01, 0.05] → |d| ranks 2, 1, 3, all positive: W+ = 6 (the maximum).
    // Of the 2³ = 8 sign assignments, W+ ∈ {0, 1, 2, 3, 3, 4, 5, 6}; |W+ − 3| ≥ 3 for W+ = 0 and 6: p = 2/8.
    const r = wilcoxonSignedRank([0.8, 0.82, 0.85], [0.78, 0.81, 0.8]);
    assert.ok(r.test);
    assert.equal(r.test.wPlus, 6);
    assert.equal(r.test.n, 3);
    close(r.test.p, 0.25);
  });
  it('drops zero differences and averages tied ranks', () => {
    // d = [1, -1, 2, 0]: zero dropped → n = 3; |d| = 1, 1, 2 → ranks 1.5, 1.5, 3; W+ = 1.5 + 3 = 4.5; total 6, centre 3.
    // Assignments (W+): {} 0, {1.5} 1.5, {1.5'} 1.5, {3} 3, {1.5,1.5'} 3, {1.5,3} 4.5, {1.5',3} 4.5, all 6.
    // |W+ − 3| ≥ 1.5: 0, 1.5, 1.5, 4.5, 4.5, 6 → 6 of 8 → p = 0.75.
    const r = wilcoxonSignedRank([1, 0, 2, 5], [0, 1, 0, 5]);
    assert.ok(r.test);
    assert.equal(r.test.n, 3);
    assert.equal(r.test.wPlus, 4.5);
    close(r.test.p, 0.75);
  });
  it('reports when it cannot test', () => {
    assert.equal(wilcoxonSignedRank([0.5, 0.6], [0.5, 0.6]).test, null);
  });
});
