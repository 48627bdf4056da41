import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskProbability } from '../../src/train/data/mask-schedule.ts';
import { lrMultiplier, warmupSteps } from '../../src/train/optim/lr-schedule.ts';

const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≠ ${b}`);

describe('masking-probability schedules', () => {
  const cases: Array<[string, Parameters<typeof maskProbability>[0], Array<[number, number]>]> = [
    ['constant', { kind: 'constant', p: 0.15 }, [[0, 0.15], [50, 0.15], [99, 0.15]]],
    ['linear 0.3→0.1', { kind: 'linear', from: 0.3, to: 0.1 }, [[0, 0.3], [25, 0.25], [50, 0.2], [100, 0.1]]],
    ['cosine 0.3→0.1', { kind: 'cosine', from: 0.3, to: 0.1 }, [[0, 0.3], [50, 0.2], [25, 0.1 + 0.2 * 0.5 * (1 + Math.SQRT1_2)], [100, 0.1]]],
    ['step', { kind: 'step', values: [0.3, 0.2, 0.1], boundaries: [0.25, 0.75] }, [[0, 0.3], [24, 0.3], [25, 0.2], [74, 0.2], [75, 0.1], [99, 0.1]]],
  ];
  for (const [name, schedule, points] of cases) {
    it(name, () => {
      for (const [step, p] of points) near(maskProbability(schedule, step, 100), p);
    });
  }
});

describe('learning-rate schedule', () => {
  it('warms up linearly, then decays linearly or by cosine, or stays constant', () => {
    near(lrMultiplier(0, 100, 10, 'linear'), 0.1);
    near(lrMultiplier(9, 100, 10, 'linear'), 1);
    near(lrMultiplier(10, 100, 10, 'linear'), 1);
    near(lrMultiplier(55, 100, 10, 'linear'), 0.5);
    near(lrMultiplier(99, 100, 10, 'linear'), 1 / 90);
    near(lrMultiplier(55, 100, 10, 'cosine'), 0.5);
    near(lrMultiplier(10, 100, 10, 'cosine'), 1);
    near(lrMultiplier(80, 100, 10, 'constant'), 1);
    near(lrMultiplier(0, 100, 0, 'linear'), 1);
  });

  it('takes warm-up as steps or as a ratio of training (rounded up)', () => {
    assert.equal(warmupSteps({ steps: 72 }, 1200), 72);
    assert.equal(warmupSteps({ ratio: 0.06 }, 1200), 72);
    assert.equal(warmupSteps({ ratio: 0.06 }, 10), 1);
    assert.equal(warmupSteps({ steps: 50 }, 10), 10);
  });
});
