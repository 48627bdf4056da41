/**
 * A metric point is identified by (key, step, timestamp, value): replays and retries use it to
 * send only the points a store does not already hold, so nothing is logged twice.
 */
import type { MetricPoint, RunRef, TrackingBackend } from './types.ts';

export function metricIdentity(m: MetricPoint): string {
  const value = Object.is(m.value, -0) ? 0 : Number(m.value);
  return `${m.key}\u0000${m.step}\u0000${m.timestamp}\u0000${String(value)}`;
}

/** `metrics` minus those already in the run's history (as a multiset: duplicates count). */
export async function withoutLogged(backend: TrackingBackend, run: RunRef, metrics: MetricPoint[]): Promise<MetricPoint[]> {
  const stored = new Map<string, number>();
  for (const key of new Set(metrics.map((m) => m.key))) {
    for (const m of await backend.metricHistory(run, key)) {
      const id = metricIdentity(m);
      stored.set(id, (stored.get(id) ?? 0) + 1);
    }
  }
  return metrics.filter((m) => {
    const id = metricIdentity(m);
    const left = stored.get(id) ?? 0;
    if (left === 0) return true;
    stored.set(id, left - 1);
    return false;
  });
}
