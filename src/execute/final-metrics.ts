/**
 * Where a stage's final values (metrics.json) go in its MLflow run. Step series (loss, lr,
 * heldout_loss, …) are logged during training at their steps; the final values are logged once,
 * at the stage's last step, so that a chart draws them at the end, never as a series' first point
 * (step 0). A final value that already is its series' last point (the held-out loss measured at
 * the last step) is not logged again.
 */

export interface SeriesPoint {
  step: number;
  value: number;
}

export function finalMetricPoints(
  final: Readonly<Record<string, number>>,
  series: ReadonlyMap<string, SeriesPoint>,
): { step: number; values: Record<string, number> } {
  let step = 0;
  for (const p of series.values()) step = Math.max(step, p.step);
  // A stage resumed at its end logs no step here; its step count says where the end is.
  const steps = final['steps'];
  if (steps !== undefined && Number.isInteger(steps) && steps > step) step = steps;
  const values: Record<string, number> = {};
  for (const [key, value] of Object.entries(final)) {
    const last = series.get(key);
    if (last && last.step === step && Object.is(last.value, value)) continue;
    values[key] = value;
  }
  return { step, values };
}
