/**
 * Model selection as the issue of a non-neural floor asks for it: fit one logistic regression per
 * C of the grid on train, score each on dev with the task's metric, keep the best (the smaller C
 * on ties: the simpler model). Deterministic.
 */
import { fitLogistic, predictLogistic } from './logistic.ts';
import type { FeatureRows, LinearClassifierSpec, LogisticModel } from './types.ts';

export interface GridPoint {
  c: number;
  dev: number;
  iterations: number;
  converged: boolean;
}

export interface SelectedClassifier {
  c: number;
  model: LogisticModel;
  dev: number;
  grid: GridPoint[];
}

export interface LabelledRows {
  features: FeatureRows;
  labels: ArrayLike<number>;
}

/** `score` maps predicted class indices of the dev rows to the task's metric (higher is better). */
export function selectOnDev(
  train: LabelledRows,
  dev: FeatureRows,
  classes: number,
  spec: LinearClassifierSpec,
  score: (predicted: number[]) => number,
): SelectedClassifier {
  if (spec.cGrid.length === 0) throw new RangeError('the C grid is empty');
  let best: SelectedClassifier | null = null;
  const grid: GridPoint[] = [];
  for (const c of [...spec.cGrid].sort((a, b) => a - b)) {
    const fit = fitLogistic(train.features, train.labels, classes, { c, classWeight: spec.classWeight, maxIterations: spec.maxIterations, gradTolerance: spec.gradTolerance });
    const devScore = score(predictLogistic(fit.model, dev).predicted);
    grid.push({ c, dev: devScore, iterations: fit.iterations, converged: fit.converged });
    if (best === null || devScore > best.dev) best = { c, model: fit.model, dev: devScore, grid };
  }
  return best!;
}
