/** Shapes of the linear classifiers: feature rows and fitted models. */

/**
 * Feature vectors in compressed sparse rows: row r holds `ids/values[rowStart[r] .. rowStart[r+1])`.
 * Dense features are rows that list every column (see `denseRows`).
 */
export interface FeatureRows {
  rows: number;
  dims: number;
  rowStart: Int32Array;
  ids: Int32Array;
  values: Float32Array | Float64Array;
  /** Every row lists columns 0..dims-1 in order (denseRows): the solver skips the indirection. */
  dense?: boolean;
}

/** Multinomial logistic regression: scores = W·x + b, W row-major [classes × dims]. */
export interface LogisticModel {
  classes: number;
  dims: number;
  weights: Float64Array;
  bias: Float64Array;
}

/** How a logistic regression is fitted (and, with the grid, selected on dev). */
export interface LinearClassifierSpec {
  /** Inverse L2 strength values tried; the one with the best dev score is kept (ties: smaller C). */
  cGrid: number[];
  /** `balanced`: each class weighs n / (classes present · its count), as scikit-learn's. */
  classWeight: 'balanced' | 'none';
  maxIterations: number;
  gradTolerance: number;
}

/** Row-major dense vectors as FeatureRows. */
export function denseRows(data: Float32Array | Float64Array, rows: number, dims: number): FeatureRows {
  if (data.length !== rows * dims) throw new RangeError(`dense data of length ${data.length} is not ${rows} × ${dims}`);
  const rowStart = new Int32Array(rows + 1);
  for (let r = 0; r <= rows; r++) rowStart[r] = r * dims;
  const ids = new Int32Array(rows * dims);
  for (let r = 0; r < rows; r++) for (let j = 0; j < dims; j++) ids[r * dims + j] = j;
  return { rows, dims, rowStart, ids, values: data, dense: true };
}
