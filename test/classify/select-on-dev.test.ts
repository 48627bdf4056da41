import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectOnDev } from '../../src/classify/select-on-dev.ts';
import { denseRows } from '../../src/classify/types.ts';
import { applyScale, fitScale } from '../../src/classify/standardise.ts';

const settings = { classWeight: 'none' as const, maxIterations: 500, gradTolerance: 1e-8 };

describe('C picked on dev', () => {
  it('fits every C of the grid, in increasing order, and keeps the best on dev', () => {
    const train = { features: denseRows(Float64Array.from([1, -1, 2, -2]), 4, 1), labels: [1, 0, 1, 0] };
    const dev = denseRows(Float64Array.from([0.5, -0.5]), 2, 1);
    // A scripted score: C = 1 is best on "dev".
    const byC = new Map([[0.01, 0.2], [1, 0.9], [100, 0.5]]);
    const seen: number[] = [];
    let call = 0;
    const order = [0.01, 1, 100];
    const picked = selectOnDev(train, dev, 2, { ...settings, cGrid: [100, 0.01, 1] }, () => {
      const c = order[call++]!;
      seen.push(c);
      return byC.get(c)!;
    });
    assert.deepEqual(seen, [0.01, 1, 100]);
    assert.equal(picked.c, 1);
    assert.equal(picked.dev, 0.9);
    assert.deepEqual(picked.grid.map((g) => [g.c, g.dev]), [[0.01, 0.2], [1, 0.9], [100, 0.5]]);
    assert.ok(picked.grid.every((g) => g.converged));
  });

  it('breaks ties towards the smaller C (the simpler model)', () => {
    const train = { features: denseRows(Float64Array.from([1, -1]), 2, 1), labels: [1, 0] };
    const picked = selectOnDev(train, denseRows(Float64Array.from([1]), 1, 1), 2, { ...settings, cGrid: [10, 0.1, 1] }, () => 0.5);
    assert.equal(picked.c, 0.1);
  });

  it('refuses an empty grid', () => {
    const train = { features: denseRows(Float64Array.from([1, -1]), 2, 1), labels: [1, 0] };
    assert.throws(() => selectOnDev(train, train.features, 2, { ...settings, cGrid: [] }, () => 0), /grid is empty/);
  });
});

describe('standardisation', () => {
  it('centres and scales each column with the train statistics; constant columns are only centred', () => {
    // columns: [1, 3] → mean 2, std 1; [5, 5] → constant.
    const train = Float32Array.from([1, 5, 3, 5]);
    const scale = fitScale(train, 2, 2);
    assert.deepEqual([...scale.mean], [2, 5]);
    assert.deepEqual([...scale.std], [1, 1]);
    assert.deepEqual([...applyScale(Float32Array.from([4, 7]), 1, 2, scale)], [2, 2]);
  });
});
