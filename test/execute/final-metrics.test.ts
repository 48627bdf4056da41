/** Where a stage's final values land in its MLflow history (table-driven; see final-metrics.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { finalMetricPoints, type SeriesPoint } from '../../src/execute/final-metrics.ts';

const series = (points: Record<string, [number, number]>): Map<string, SeriesPoint> =>
  new Map(Object.entries(points).map(([k, [step, value]]) => [k, { step, value }]));

const rows: Array<{ name: string; final: Record<string, number>; series: Map<string, SeriesPoint>; step: number; logged: string[] }> = [
  {
    name: 'pretraining: finals at the last step; the held-out loss measured there is not logged twice',
    final: { steps: 200, final_loss: 2.5, heldout_loss: 2.75, heldout_perplexity: 15.6 },
    series: series({ loss: [200, 2.4], heldout_loss: [200, 2.75], heldout_perplexity: [200, 15.6] }),
    step: 200,
    logged: ['final_loss', 'steps'],
  },
  {
    name: 'a final value that differs from its series’ last point is logged, after it',
    final: { steps: 200, heldout_loss: 2.7 },
    series: series({ heldout_loss: [200, 2.75] }),
    step: 200,
    logged: ['heldout_loss', 'steps'],
  },
  {
    name: 'a stage resumed at its end logs no steps: the step count places the finals',
    final: { steps: 128, final_loss: 2.5 },
    series: series({}),
    step: 128,
    logged: ['final_loss', 'steps'],
  },
  {
    name: 'a stage without a step series (evaluate) logs its finals at step 0',
    final: { test_macro_f1: 0.8, wall_seconds: 3 },
    series: series({}),
    step: 0,
    logged: ['test_macro_f1', 'wall_seconds'],
  },
];

for (const row of rows) {
  test(row.name, () => {
    const out = finalMetricPoints(row.final, row.series);
    assert.equal(out.step, row.step);
    assert.deepEqual(Object.keys(out.values).sort(), row.logged);
    for (const k of row.logged) assert.equal(out.values[k], row.final[k]);
  });
}
