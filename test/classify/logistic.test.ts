import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { minimiseLbfgs } from '../../src/classify/lbfgs.ts';
import { fitLogistic, predictLogistic, sampleWeights } from '../../src/classify/logistic.ts';
import { denseRows, type FeatureRows } from '../../src/classify/types.ts';

const solve = { classWeight: 'none' as const, maxIterations: 500, gradTolerance: 1e-10 };

/** Root of a monotone function on [lo, hi] by bisection: the hand calculation's last step. */
function bisect(f: (x: number) => number, lo: number, hi: number): number {
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (f(lo) * f(mid) <= 0) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

describe('L-BFGS', () => {
  it('finds the minimum of a badly scaled quadratic', () => {
    const scale = [1, 10, 100, 1000];
    const target = [3, -2, 0.5, 7];
    const r = minimiseLbfgs(
      (x, g) => {
        let f = 0;
        for (let i = 0; i < 4; i++) {
          const d = x[i]! - target[i]!;
          f += 0.5 * scale[i]! * d * d;
          g[i] = scale[i]! * d;
        }
        return f;
      },
      new Float64Array(4),
      { gradTolerance: 1e-10, maxIterations: 200 },
    );
    assert.ok(r.converged);
    r.x.forEach((v, i) => assert.ok(Math.abs(v - target[i]!) < 1e-6, `x${i} = ${v}`));
  });
});

describe('multinomial logistic regression', () => {
  it('matches the hand-solved symmetric two-point problem', () => {
    // x = +1 → class 1, x = −1 → class 0. By symmetry b = 0 and W = [−w, w]; each point's loss is
    // ln(1 + e^{−2w}), so the objective ∝ 2·ln(1 + e^{−2w}) + (2w²)/(2C), stationary where
    // −4/(1 + e^{2w}) + 2w/C = 0.
    const c = 0.7;
    const w = bisect((v) => -4 / (1 + Math.exp(2 * v)) + (2 * v) / c, 0, 10);
    const fit = fitLogistic(denseRows(Float64Array.from([1, -1]), 2, 1), [1, 0], 2, { ...solve, c });
    assert.ok(fit.converged);
    assert.ok(Math.abs(fit.model.weights[1]! - w) < 1e-6, `w = ${fit.model.weights[1]} vs ${w}`);
    assert.ok(Math.abs(fit.model.weights[0]! + w) < 1e-6);
    assert.ok(Math.abs(fit.model.bias[0]! - fit.model.bias[1]!) < 1e-6);
    const { predicted, probabilities } = predictLogistic(fit.model, denseRows(Float64Array.from([0.5, -2]), 2, 1));
    assert.deepEqual(predicted, [1, 0]);
    // p(class 1 | x = 0.5) = σ(2w·0.5)
    assert.ok(Math.abs(probabilities[1]! - 1 / (1 + Math.exp(-w))) < 1e-6);
  });

  it('weighs classes as scikit-learn\'s class_weight="balanced" does', () => {
    // 3 of class 0, 1 of class 2, none of class 1: n / (2 classes present · count).
    assert.deepEqual([...sampleWeights([0, 0, 0, 2], 3, 'balanced')], [4 / 6, 4 / 6, 4 / 6, 2]);
    assert.deepEqual([...sampleWeights([0, 1], 2, 'none')], [1, 1]);
  });

  it('learns a planted signal from sparse features and ignores the noise', () => {
    // 200 rows over 50 features: feature (label) is on, plus three noise features drawn by a fixed rule.
    const rows = 200;
    const classes = 3;
    const rowStart = new Int32Array(rows + 1);
    const ids: number[] = [];
    const labels: number[] = [];
    for (let r = 0; r < rows; r++) {
      const y = r % classes;
      labels.push(y);
      const feats = new Set([y, 3 + ((r * 7) % 47), 3 + ((r * 13 + 5) % 47), 3 + ((r * 29 + 11) % 47)]);
      ids.push(...[...feats].sort((a, b) => a - b));
      rowStart[r + 1] = ids.length;
    }
    const x: FeatureRows = { rows, dims: 50, rowStart, ids: Int32Array.from(ids), values: new Float32Array(ids.length).fill(1) };
    const fit = fitLogistic(x, labels, classes, { ...solve, c: 1, classWeight: 'balanced' });
    const probe: FeatureRows = { rows: 3, dims: 50, rowStart: Int32Array.from([0, 2, 4, 6]), ids: Int32Array.from([0, 10, 1, 20, 2, 30]), values: new Float32Array(6).fill(1) };
    assert.deepEqual(predictLogistic(fit.model, probe).predicted, [0, 1, 2]);
    // The signal weight dominates every noise weight of its class.
    for (let k = 0; k < classes; k++) {
      const row = fit.model.weights.subarray(k * 50, k * 50 + 50);
      const noise = Math.max(...[...row.subarray(3)].map(Math.abs));
      assert.ok(row[k]! > 3 * noise, `class ${k}: signal ${row[k]} vs noise ${noise}`);
    }
  });

  it('is deterministic and refuses mismatched input', () => {
    const x = denseRows(Float64Array.from([0.1, 2, -1, 0.3, 0.5, -0.2]), 3, 2);
    const a = fitLogistic(x, [0, 1, 0], 2, { ...solve, c: 3 });
    const b = fitLogistic(x, [0, 1, 0], 2, { ...solve, c: 3 });
    assert.deepEqual([...a.model.weights], [...b.model.weights]);
    assert.throws(() => fitLogistic(x, [0, 1], 2, { ...solve, c: 1 }), /3 feature rows but 2 labels/);
    assert.throws(() => fitLogistic(x, [0, 1, 0], 2, { ...solve, c: 0 }), /C must be positive/);
    assert.throws(() => predictLogistic(a.model, denseRows(new Float64Array(3), 1, 3)), /3 dimensions, the model 2/);
  });
});

describe('dense rows', () => {
  it('fit exactly as the same rows written as sparse ones (the fast path takes the same sums)', () => {
    const rows = 60;
    const dims = 7;
    const data = Float64Array.from({ length: rows * dims }, (_, i) => Math.sin(i * 1.7) + ((i % dims) === (Math.floor(i / dims) % 3) ? 1 : 0));
    const labels = Int32Array.from({ length: rows }, (_, r) => r % 3);
    const dense = denseRows(data, rows, dims);
    const sparse: FeatureRows = { ...dense, dense: false };
    const opts = { ...solve, c: 0.7, classWeight: 'balanced' as const };
    const a = fitLogistic(dense, labels, 3, opts);
    const b = fitLogistic(sparse, labels, 3, opts);
    assert.equal(a.iterations, b.iterations);
    assert.deepEqual([...a.model.weights], [...b.model.weights]);
    assert.deepEqual([...a.model.bias], [...b.model.bias]);
    assert.deepEqual(predictLogistic(a.model, dense).probabilities, predictLogistic(b.model, sparse).probabilities);
  });
});
