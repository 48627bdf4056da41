/**
 * Exact cosine k-nearest-neighbour search of sparse queries in a sparse pool, written by hand
 * because no installed library does sparse kNN. Per query and index block: accumulate
 * query-weight × document-weight over the query terms' postings (the documents sharing a term),
 * then score exactly, in one fixed order (the document's own terms), every document whose
 * accumulated score can still enter the running top k. Results therefore equal a brute-force
 * search: same documents, same scores, ties broken by pool index (lower first). Documents that
 * share no term with a query (cosine 0) are never neighbours.
 *
 * MaxScore-style early termination was tried and dropped: with L2-normalised short documents
 * many terms reach weight 1 in some document, so the per-term bounds almost never prune.
 */
import { BLOCK_DOCS, type InvertedIndex } from './sparse-index.ts';
import { TopK } from './top-k.ts';
import type { Neighbours, SparseRows } from './types.ts';

/** Slack for float rounding between accumulated and exact sums. */
const EPS = 1e-9;

export class SparseSearcher {
  private readonly acc = new Float64Array(BLOCK_DOCS);
  private readonly touched = new Int32Array(BLOCK_DOCS);
  private readonly queryDense: Float64Array;
  private readonly top: TopK;

  constructor(
    private readonly index: InvertedIndex,
    private readonly pool: SparseRows,
    readonly k: number,
  ) {
    this.queryDense = new Float64Array(index.dims);
    this.top = new TopK(k);
  }

  /** Neighbours of row `r` of `queries`. */
  search(queries: SparseRows, r: number): Neighbours {
    const { termStart, postDoc, postWeight, blocks, dims } = this.index;
    const { acc, touched, queryDense, top } = this;
    const { rowStart, ids, values } = this.pool;
    const qStart = queries.rowStart[r]!;
    const qEnd = queries.rowStart[r + 1]!;
    for (let j = qStart; j < qEnd; j++) queryDense[queries.ids[j]!] = queries.values[j]!;
    top.reset();
    for (let b = 0; b < blocks; b++) {
      const base = b * (dims + 1);
      let nTouched = 0;
      for (let j = qStart; j < qEnd; j++) {
        const t = queries.ids[j]!;
        const qw = queries.values[j]!;
        for (let p = termStart[base + t]!, end = termStart[base + t + 1]!; p < end; p++) {
          const d = postDoc[p]!;
          const before = acc[d]!;
          if (before === 0) touched[nTouched++] = d;
          acc[d] = before + qw * postWeight[p]!;
        }
      }
      const first = b * BLOCK_DOCS;
      for (let i = 0; i < nTouched; i++) {
        const local = touched[i]!;
        if (acc[local]! >= top.threshold - EPS) {
          const d = first + local;
          let score = 0;
          for (let x = rowStart[d]!, end = rowStart[d + 1]!; x < end; x++) score += queryDense[ids[x]!]! * values[x]!;
          top.offer(d, score);
        }
        acc[local] = 0;
      }
    }
    for (let j = qStart; j < qEnd; j++) queryDense[queries.ids[j]!] = 0;
    return top.result();
  }
}
