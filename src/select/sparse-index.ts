/**
 * Inverted index over sparse pool vectors, cut into blocks of at most 65,536 documents. A
 * query accumulates one block at a time, so its accumulator stays in the CPU cache (the search
 * is bound by memory latency, not arithmetic), and postings store block-local 16-bit ids.
 */
import type { SparseRows } from './types.ts';

export const BLOCK_DOCS = 65536;

export interface InvertedIndex {
  docs: number;
  dims: number;
  blocks: number;
  /** Postings of term t in block b: `[termStart[b*(dims+1)+t], termStart[b*(dims+1)+t+1])`. */
  termStart: Int32Array;
  /** Document id minus the block's first id. */
  postDoc: Uint16Array;
  postWeight: Float32Array;
}

export function buildInvertedIndex(pool: SparseRows): InvertedIndex {
  const { rows, dims, rowStart, ids, values } = pool;
  const blocks = Math.max(1, Math.ceil(rows / BLOCK_DOCS));
  const stride = dims + 1;
  const termStart = new Int32Array(blocks * stride);
  // Count postings per (block, term), then prefix-sum over the flattened (block, term) order.
  for (let d = 0; d < rows; d++) {
    const base = Math.floor(d / BLOCK_DOCS) * stride;
    for (let j = rowStart[d]!; j < rowStart[d + 1]!; j++) termStart[base + ids[j]! + 1]!++;
  }
  let total = 0;
  for (let b = 0; b < blocks; b++) {
    const base = b * stride;
    termStart[base] = total;
    for (let t = 0; t < dims; t++) {
      total += termStart[base + t + 1]!;
      termStart[base + t + 1] = total;
    }
  }
  const fill = termStart.slice();
  const postDoc = new Uint16Array(total);
  const postWeight = new Float32Array(total);
  for (let d = 0; d < rows; d++) {
    const block = Math.floor(d / BLOCK_DOCS);
    const base = block * stride;
    const local = d - block * BLOCK_DOCS;
    for (let j = rowStart[d]!; j < rowStart[d + 1]!; j++) {
      const at = fill[base + ids[j]!]!++;
      postDoc[at] = local;
      postWeight[at] = values[j]!;
    }
  }
  return { docs: rows, dims, blocks, termStart, postDoc, postWeight };
}
