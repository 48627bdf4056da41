import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { minimumDetectableEffect, minimumDetectableStandardisedEffect, pairedTPower, wilcoxonSmallestP } from '../../src/report/stats.ts';

describe('power of the paired t-test and its minimum detectable effect', () => {
  // Reference values: statsmodels 0.13 TTestPower().solve_power(nobs=n, alpha=0.05, power=0.8, alternative='two-sided').
  const known: Array<[number, number]> = [[3, 3.264043553], [5, 1.681996961], [6, 1.434545138], [10, 0.996001911], [20, 0.660441654]];
  for (const [n, d] of known) {
    it(`n = ${n}: d_z = ${d.toFixed(4)}`, () => {
      const got = minimumDetectableStandardisedEffect(n)!;
      assert.ok(Math.abs(got - d) < 1e-5, `${got} vs ${d}`);
      assert.ok(Math.abs(pairedTPower(n, got) - 0.8) < 1e-8);
    });
  }

  it('approaches (z₀.₉₇₅ + z₀.₈)/√n for many pairs', () => {
    const z = 1.959963985 + 0.841621234;
    assert.ok(Math.abs(minimumDetectableStandardisedEffect(400)! * Math.sqrt(400) - z) < 0.01);
  });

  it('is in the metric\'s units (× the sd of the differences), null below two pairs', () => {
    assert.ok(Math.abs(minimumDetectableEffect(5, 0.02)! - 0.02 * 1.681996961) < 1e-6);
    assert.equal(minimumDetectableEffect(1, 0.02), null);
    assert.equal(pairedTPower(5, 0) < 0.051 && pairedTPower(5, 0) > 0.049, true);
  });

  it('knows the smallest p the exact Wilcoxon test can give', () => {
    assert.equal(wilcoxonSmallestP(5), 0.0625);
    assert.equal(wilcoxonSmallestP(6), 0.03125);
  });
});
