/**
 * Multinomial logistic regression with L2 regularisation and optional class-balanced sample
 * weights, fitted by L-BFGS over sparse rows. The objective is scikit-learn's
 *   Σᵢ sᵢ · CE(softmax(W·xᵢ + b), yᵢ) + ‖W‖² / (2C)      (the bias is not penalised),
 * divided by Σᵢ sᵢ (same minimiser, better scaled for the stopping test).
 */
import { minimiseLbfgs } from './lbfgs.ts';
import type { FeatureRows, LogisticModel } from './types.ts';

export interface LogisticFitOptions {
  c: number;
  classWeight: 'balanced' | 'none';
  maxIterations: number;
  gradTolerance: number;
}

export interface LogisticFit {
  model: LogisticModel;
  iterations: number;
  converged: boolean;
}

/** Per-example weights: 1, or n / (classes present · count of the example's class). */
export function sampleWeights(labels: ArrayLike<number>, classes: number, classWeight: 'balanced' | 'none'): Float64Array {
  const n = labels.length;
  const weights = new Float64Array(n).fill(1);
  if (classWeight === 'none') return weights;
  const counts = new Float64Array(classes);
  for (let i = 0; i < n; i++) counts[labels[i]!]!++;
  const present = counts.filter((c) => c > 0).length;
  for (let i = 0; i < n; i++) weights[i] = n / (present * counts[labels[i]!]!);
  return weights;
}

/** Class scores of row r into `z`. Dense rows take the same sums in the same order, only
 *  without reading column ids (several times faster on probe features). */
function rowScores(x: FeatureRows, r: number, params: Float64Array, classes: number, z: Float64Array): void {
  const { dims, values } = x;
  const biasAt = classes * dims;
  const lo = x.rowStart[r]!;
  const hi = x.rowStart[r + 1]!;
  for (let k = 0; k < classes; k++) {
    let s = params[biasAt + k]!;
    const w = k * dims;
    if (x.dense) for (let j = 0; j < dims; j++) s += params[w + j]! * values[lo + j]!;
    else for (let j = lo; j < hi; j++) s += params[w + x.ids[j]!]! * values[j]!;
    z[k] = s;
  }
}

/** grad[class k] += g · row r. */
function addRow(x: FeatureRows, r: number, g: number, grad: Float64Array, w: number): void {
  const lo = x.rowStart[r]!;
  const hi = x.rowStart[r + 1]!;
  const values = x.values;
  if (x.dense) for (let j = 0; j < x.dims; j++) grad[w + j]! += g * values[lo + j]!;
  else for (let j = lo; j < hi; j++) grad[w + x.ids[j]!]! += g * values[j]!;
}

/** Softmax of `z` in place; returns log Σ exp(z). */
function softmaxInPlace(z: Float64Array): number {
  let max = -Infinity;
  for (let k = 0; k < z.length; k++) max = Math.max(max, z[k]!);
  let sum = 0;
  for (let k = 0; k < z.length; k++) {
    z[k] = Math.exp(z[k]! - max);
    sum += z[k]!;
  }
  for (let k = 0; k < z.length; k++) z[k] = z[k]! / sum;
  return max + Math.log(sum);
}

export function fitLogistic(x: FeatureRows, labels: ArrayLike<number>, classes: number, opts: LogisticFitOptions): LogisticFit {
  if (labels.length !== x.rows) throw new RangeError(`${x.rows} feature rows but ${labels.length} labels`);
  if (!(opts.c > 0)) throw new RangeError(`C must be positive (got ${opts.c})`);
  const dims = x.dims;
  const weights = sampleWeights(labels, classes, opts.classWeight);
  let total = 0;
  for (const w of weights) total += w;
  const penalty = 1 / (opts.c * total);
  const z = new Float64Array(classes);
  const objective = (params: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let r = 0; r < x.rows; r++) {
      rowScores(x, r, params, classes, z);
      const y = labels[r]!;
      const zy = z[y]!;
      const logSum = softmaxInPlace(z);
      const s = weights[r]! / total;
      loss += s * (logSum - zy);
      for (let k = 0; k < classes; k++) {
        const g = s * (z[k]! - (k === y ? 1 : 0));
        if (g === 0) continue;
        addRow(x, r, g, grad, k * dims);
        grad[classes * dims + k]! += g;
      }
    }
    for (let i = 0; i < classes * dims; i++) {
      loss += 0.5 * penalty * params[i]! * params[i]!;
      grad[i]! += penalty * params[i]!;
    }
    return loss;
  };
  const result = minimiseLbfgs(objective, new Float64Array(classes * dims + classes), { gradTolerance: opts.gradTolerance, maxIterations: opts.maxIterations });
  const model: LogisticModel = { classes, dims, weights: result.x.slice(0, classes * dims), bias: result.x.slice(classes * dims) };
  return { model, iterations: result.iterations, converged: result.converged };
}

/** Most probable class per row (the lowest index among ties) and the probabilities, row-major. */
export function predictLogistic(model: LogisticModel, x: FeatureRows): { predicted: number[]; probabilities: Float64Array } {
  if (x.dims !== model.dims) throw new RangeError(`features have ${x.dims} dimensions, the model ${model.dims}`);
  const params = new Float64Array(model.classes * model.dims + model.classes);
  params.set(model.weights);
  params.set(model.bias, model.classes * model.dims);
  const z = new Float64Array(model.classes);
  const predicted: number[] = [];
  const probabilities = new Float64Array(x.rows * model.classes);
  for (let r = 0; r < x.rows; r++) {
    rowScores(x, r, params, model.classes, z);
    softmaxInPlace(z);
    let best = 0;
    for (let k = 1; k < model.classes; k++) if (z[k]! > z[best]!) best = k;
    predicted.push(best);
    probabilities.set(z, r * model.classes);
  }
  return { predicted, probabilities };
}
