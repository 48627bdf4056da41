import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MLFLOW_LIMITS } from '../../src/track/mlflow-names.ts';
import { logBatchBody, metricJson, splitLogBatch } from '../../src/track/split-batch.ts';
import type { LogBatch } from '../../src/track/types.ts';

const metrics = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `m${i % 7}`, value: i / 3, timestamp: 1_700_000_000_000 + i, step: i }));
const kv = (n: number, prefix: string, value: (i: number) => string) => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: value(i) }));
const bytes = (b: LogBatch) => Buffer.byteLength(JSON.stringify(logBatchBody('0123456789abcdef0123456789abcdef', b)));

function assertWithinLimits(chunks: LogBatch[]): void {
  for (const c of chunks) {
    assert.ok(c.metrics.length <= MLFLOW_LIMITS.metricsPerBatch);
    assert.ok(c.params.length <= MLFLOW_LIMITS.paramsPerBatch);
    assert.ok(c.tags.length <= MLFLOW_LIMITS.tagsPerBatch);
    assert.ok(c.metrics.length + c.params.length + c.tags.length <= MLFLOW_LIMITS.itemsPerBatch);
    assert.ok(bytes(c) <= MLFLOW_LIMITS.bytesPerBatch, `${bytes(c)} bytes`);
  }
}

function assertSameRecords(input: LogBatch, chunks: LogBatch[]): void {
  assert.deepEqual(chunks.flatMap((c) => c.metrics), input.metrics);
  assert.deepEqual(chunks.flatMap((c) => c.params), input.params);
  assert.deepEqual(chunks.flatMap((c) => c.tags), input.tags);
}

describe('splitLogBatch', () => {
  const cases: { name: string; batch: LogBatch; sizes: [number, number, number][] | null }[] = [
    { name: '2,500 metrics → 1000 + 1000 + 500', batch: { metrics: metrics(2500), params: [], tags: [] }, sizes: [[1000, 0, 0], [1000, 0, 0], [500, 0, 0]] },
    { name: '150 params → 100 + 50', batch: { metrics: [], params: kv(150, 'p', () => 'v'), tags: [] }, sizes: [[0, 100, 0], [0, 50, 0]] },
    { name: '250 tags → 100 + 100 + 50', batch: { metrics: [], params: [], tags: kv(250, 't', () => 'v') }, sizes: [[0, 0, 100], [0, 0, 100], [0, 0, 50]] },
    {
      name: '100 params + 100 tags + 900 metrics → at most 1000 items a request',
      batch: { metrics: metrics(900), params: kv(100, 'p', () => 'v'), tags: kv(100, 't', () => 'v') },
      sizes: [[800, 100, 100], [100, 0, 0]],
    },
    {
      name: 'a 1.5 MB payload is split by size',
      // 100 params of 5000 two-byte characters (1 MB) and 50 tags of 5000 (0.5 MB): counts alone would allow one request.
      batch: { metrics: [], params: kv(100, 'p', () => 'é'.repeat(5000)), tags: kv(50, 't', () => 'é'.repeat(5000)) },
      sizes: null,
    },
    { name: 'nothing → no request', batch: { metrics: [], params: [], tags: [] }, sizes: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const chunks = splitLogBatch(c.batch);
      assertWithinLimits(chunks);
      assertSameRecords(c.batch, chunks);
      if (c.sizes) assert.deepEqual(chunks.map((x) => [x.metrics.length, x.params.length, x.tags.length]), c.sizes);
      else assert.ok(chunks.length >= 2);
    });
  }
  it('a total of 1.5 MB needs at least two requests', () => {
    const batch = cases[4]!.batch;
    assert.ok(bytes(batch) > 1_500_000);
    assert.equal(splitLogBatch(batch).length, 2);
  });
});

describe('metricJson', () => {
  it('sends non-finite values as protobuf JSON strings', () => {
    assert.deepEqual([NaN, Infinity, -Infinity, 1.5].map((value) => metricJson({ key: 'k', value, timestamp: 1, step: 0 }).value), ['NaN', 'Infinity', '-Infinity', 1.5]);
  });
});
