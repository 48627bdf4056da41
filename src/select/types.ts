/** Shapes shared by the selection layer: sparse and dense embeddings, neighbour lists. */

/** Compressed sparse rows: row r holds `ids/values[rowStart[r] .. rowStart[r+1])`, ids unique. */
export interface SparseRows {
  rows: number;
  /** Size of the id space (hashed dimensions or fitted vocabulary size). */
  dims: number;
  rowStart: Int32Array;
  ids: Int32Array;
  values: Float32Array;
}

/** Row-major dense vectors, each L2-normalised (or all-zero). */
export interface DenseRows {
  rows: number;
  dims: number;
  data: Float32Array;
}

/** The k nearest pool documents of one query, best first (score desc, then pool index asc). */
export interface Neighbours {
  ids: Int32Array;
  scores: Float64Array;
}

export interface KnnOptions {
  k: number;
  /** Worker threads for the search (default: 1 = in this thread). */
  threads?: number;
  onProgress?: (queriesDone: number, queries: number) => void;
  signal?: AbortSignal;
}
