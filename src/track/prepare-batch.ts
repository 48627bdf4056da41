/**
 * Turns what callers log into records every MLflow store accepts, warning about each change:
 * keys are sanitised (see mlflow-names.ts), over-long values cut with a visible marker, steps and
 * timestamps made integers, duplicate param keys within one batch collapsed.
 */
import { MLFLOW_LIMITS, fitValue, sanitizeKey } from './mlflow-names.ts';
import type { KeyValue, LogBatch, MetricPoint, ParamValue, Warn } from './types.ts';

export interface RawRecords {
  metrics?: MetricPoint[];
  params?: Record<string, ParamValue>;
  tags?: Record<string, string>;
}

export function prepareBatch(raw: RawRecords, warn: Warn): LogBatch {
  const key = (k: string, what: string): string => {
    const s = sanitizeKey(k);
    if (s !== k) warn(`MLflow does not accept the ${what} name ${JSON.stringify(k)}; logged as ${JSON.stringify(s)}`);
    return s;
  };
  const value = (k: string, v: string, limit: number, what: string): string => {
    const fitted = fitValue(v, limit);
    if (fitted.truncatedFrom !== undefined) {
      warn(`${what} ${JSON.stringify(k)} is ${fitted.truncatedFrom} characters; MLflow keeps at most ${limit}, so it was truncated (marked in the value)`);
    }
    return fitted.value;
  };

  const params = new Map<string, string>();
  for (const [k, v] of Object.entries(raw.params ?? {})) {
    const name = key(k, 'param');
    const text = value(name, String(v), MLFLOW_LIMITS.paramValueLength, 'param');
    const earlier = params.get(name);
    if (earlier !== undefined && earlier !== text) {
      warn(`params ${JSON.stringify(k)} and another key both became ${JSON.stringify(name)}; keeping the first value`);
      continue;
    }
    params.set(name, text);
  }

  const tags = new Map<string, string>();
  for (const [k, v] of Object.entries(raw.tags ?? {})) {
    const name = key(k, 'tag');
    tags.set(name, value(name, String(v), MLFLOW_LIMITS.tagValueLength, 'tag'));
  }

  const metrics: MetricPoint[] = [];
  for (const m of raw.metrics ?? []) {
    if (typeof m.value !== 'number') {
      warn(`metric ${JSON.stringify(m.key)} has a non-numeric value (${String(m.value)}); skipped`);
      continue;
    }
    const step = Number.isInteger(m.step) ? m.step : Math.round(m.step);
    if (step !== m.step) warn(`metric ${JSON.stringify(m.key)}: MLflow steps are integers; step ${m.step} logged as ${step}`);
    const timestamp = Number.isInteger(m.timestamp) && m.timestamp >= 0 ? m.timestamp : Math.max(0, Math.round(m.timestamp));
    metrics.push({ key: key(m.key, 'metric'), value: m.value, timestamp, step });
  }

  const pairs = (m: Map<string, string>): KeyValue[] => [...m].map(([k, v]) => ({ key: k, value: v }));
  return { metrics, params: pairs(params), tags: pairs(tags) };
}

export function isEmptyBatch(b: LogBatch): boolean {
  return b.metrics.length === 0 && b.params.length === 0 && b.tags.length === 0;
}
