/**
 * Column standardisation of dense features with the train split's mean and standard deviation,
 * so one L2 strength suits every column (hidden-state dimensions differ in scale by orders of
 * magnitude). Constant columns are centred and left unscaled.
 */

export interface ColumnScale {
  mean: Float64Array;
  std: Float64Array;
}

export function fitScale(data: Float32Array, rows: number, dims: number): ColumnScale {
  const mean = new Float64Array(dims);
  const std = new Float64Array(dims);
  for (let r = 0; r < rows; r++) for (let j = 0; j < dims; j++) mean[j]! += data[r * dims + j]!;
  for (let j = 0; j < dims; j++) mean[j] = mean[j]! / Math.max(1, rows);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < dims; j++) {
      const d = data[r * dims + j]! - mean[j]!;
      std[j]! += d * d;
    }
  }
  for (let j = 0; j < dims; j++) {
    const s = Math.sqrt(std[j]! / Math.max(1, rows));
    std[j] = s > 1e-12 ? s : 1;
  }
  return { mean, std };
}

export function applyScale(data: Float32Array, rows: number, dims: number, scale: ColumnScale): Float64Array {
  const out = new Float64Array(rows * dims);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < dims; j++) out[r * dims + j] = (data[r * dims + j]! - scale.mean[j]!) / scale.std[j]!;
  }
  return out;
}
