/**
 * Exact cosine kNN over dense embeddings (the `model` embedder): brute force, since a model can
 * only embed pools small enough for that to be cheap next to the encoding itself. Same ranking
 * rule as the sparse search (score desc, pool index asc); negative cosines can be neighbours.
 */
import { TopK } from './top-k.ts';
import type { DenseRows, KnnOptions, Neighbours } from './types.ts';

/** Scales every row to unit L2 norm in place (all-zero rows stay zero). */
export function normaliseRows(m: DenseRows): DenseRows {
  for (let r = 0; r < m.rows; r++) {
    const row = m.data.subarray(r * m.dims, (r + 1) * m.dims);
    let norm = 0;
    for (let i = 0; i < row.length; i++) norm += row[i]! * row[i]!;
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let i = 0; i < row.length; i++) row[i] = row[i]! * inv;
    }
  }
  return m;
}

export function denseKnn(pool: DenseRows, queries: DenseRows, opts: KnnOptions): Neighbours[] {
  if (pool.dims !== queries.dims) throw new RangeError(`pool has ${pool.dims} dimensions, queries ${queries.dims}`);
  const dims = pool.dims;
  const top = new TopK(opts.k);
  const out: Neighbours[] = [];
  for (let q = 0; q < queries.rows; q++) {
    if (opts.signal?.aborted) break;
    top.reset();
    const qo = q * dims;
    for (let d = 0; d < pool.rows; d++) {
      const po = d * dims;
      let s = 0;
      for (let i = 0; i < dims; i++) s += queries.data[qo + i]! * pool.data[po + i]!;
      top.offer(d, s);
    }
    out.push(top.result());
    if (opts.onProgress && (q + 1) % 100 === 0) opts.onProgress(q + 1, queries.rows);
  }
  return out;
}
