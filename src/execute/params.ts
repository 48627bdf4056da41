/** Flattens a stage's params into MLflow params (dotted keys, scalar values). */
import { createHash } from 'node:crypto';

/** MLflow's limits: longer keys or values are truncated by servers, silently. */
const MAX_KEY = 250;
const MAX_VALUE = 6000;
/** Longer arrays (the aggregate's result cells) become one JSON value instead of N×fields. */
const MAX_SPREAD_ARRAY = 10;

function scalar(value: unknown): string | number | boolean {
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? 'null';
}

function fit(value: string | number | boolean): string | number | boolean {
  if (typeof value !== 'string' || value.length <= MAX_VALUE) return value;
  // Never a silently cut value: say what it was and where the whole is (the spec.json artifact).
  const digest = createHash('sha256').update(value).digest('hex').slice(0, 16);
  return `(${value.length} chars, sha256 ${digest}…; see the spec.json artifact)`;
}

export function flattenParams(value: unknown, prefix = '', out: Record<string, string | number | boolean> = {}): Record<string, string | number | boolean> {
  const isObject = typeof value === 'object' && value !== null;
  const spread = isObject && (!Array.isArray(value) || (value.length > 0 && value.length <= MAX_SPREAD_ARRAY && value.some((v) => typeof v === 'object' && v !== null)));
  if (!spread || (isObject && Object.keys(value).length === 0)) {
    if (prefix) out[prefix.slice(0, MAX_KEY)] = fit(scalar(value));
    return out;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) flattenParams(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}
