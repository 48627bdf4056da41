/**
 * Splits records into `runs/log-batch` requests that respect every MLflow limit at once: at most
 * 1000 metrics, 100 params, 100 tags, 1000 items in all, and 1,000,000 bytes of JSON body.
 */
import { MLFLOW_LIMITS } from './mlflow-names.ts';
import type { KeyValue, LogBatch, MetricPoint } from './types.ts';

/** MLflow's JSON (protobuf) encoding of a double: non-finite values travel as strings. */
export function metricJson(m: MetricPoint): { key: string; value: number | string; timestamp: number; step: number } {
  const value = Number.isFinite(m.value) ? m.value : Number.isNaN(m.value) ? 'NaN' : m.value > 0 ? 'Infinity' : '-Infinity';
  return { key: m.key, value, timestamp: m.timestamp, step: m.step };
}

/** The exact body dapt sends to `runs/log-batch`. */
export function logBatchBody(runId: string, batch: LogBatch): Record<string, unknown> {
  return { run_id: runId, metrics: batch.metrics.map(metricJson), params: batch.params, tags: batch.tags };
}

const byteLength = (x: unknown): number => Buffer.byteLength(JSON.stringify(x), 'utf8');

/**
 * Greedy, order-preserving split (params first, then tags, then metrics, as MLflow's own client
 * orders them). `runIdForSize` only sizes the request; the real run id may differ in length, so a
 * 64-byte margin covers any MLflow run id (at most 256 characters are allowed, but ids are 32).
 */
export function splitLogBatch(batch: LogBatch, runIdForSize = 'x'.repeat(32)): LogBatch[] {
  const limits = MLFLOW_LIMITS;
  const emptyBytes = byteLength(logBatchBody(runIdForSize, { metrics: [], params: [], tags: [] })) + 64;
  const out: LogBatch[] = [];
  let current: LogBatch = { metrics: [], params: [], tags: [] };
  let bytes = emptyBytes;

  const items = (): number => current.metrics.length + current.params.length + current.tags.length;
  const close = (): void => {
    if (items() > 0) out.push(current);
    current = { metrics: [], params: [], tags: [] };
    bytes = emptyBytes;
  };
  const add = <K extends keyof LogBatch>(kind: K, item: LogBatch[K][number], size: number, max: number): void => {
    // Separators: one comma per element after the first of its array.
    const extra = size + ((current[kind] as unknown[]).length > 0 ? 1 : 0);
    if ((current[kind] as unknown[]).length >= max || items() >= limits.itemsPerBatch || bytes + extra > limits.bytesPerBatch) close();
    (current[kind] as unknown[]).push(item);
    bytes += size + ((current[kind] as unknown[]).length > 1 ? 1 : 0);
  };

  for (const p of batch.params) add('params', p, byteLength(p as KeyValue), limits.paramsPerBatch);
  for (const t of batch.tags) add('tags', t, byteLength(t as KeyValue), limits.tagsPerBatch);
  for (const m of batch.metrics) add('metrics', m, byteLength(metricJson(m)), limits.metricsPerBatch);
  close();
  return out;
}
