/**
 * The part the reference row and the linear probes share: given feature rows of a task's train,
 * dev and test splits, pick a logistic regression's C on dev with the task's metric, score dev
 * and test, and return stage metrics (`<prefix>dev_<m>`, `<prefix>test_<m>`, `<prefix>c`) with
 * the grid, per-class F1 and confusion matrices as details.
 */
import { selectOnDev } from '../classify/select-on-dev.ts';
import { predictLogistic } from '../classify/logistic.ts';
import type { FeatureRows } from '../classify/types.ts';
import type { LinearClassifierSettings, Metric } from '../config/types.ts';
import type { ResolvedTask, TaskExample } from '../data/types.ts';
import { labelsOf, scoringLabels } from '../train/finetune/data.ts';
import { scoreClassification } from '../train/metrics.ts';

export interface TaskRows {
  train: FeatureRows;
  dev: FeatureRows;
  test: FeatureRows;
}

export interface LinearScores {
  metrics: Record<string, number>;
  details: Record<string, unknown>;
}

function goldIndices(examples: readonly TaskExample[], labels: readonly string[]): number[] {
  const index = new Map(labels.map((l, i) => [l, i]));
  return examples.map((e) => index.get(e.label)!);
}

export function fitAndScore(task: ResolvedTask, rows: TaskRows, metric: Metric, settings: LinearClassifierSettings, prefix = ''): LinearScores {
  const labels = labelsOf(task.labelled);
  const devLabels = scoringLabels(labels, task.dev);
  const devGold = goldIndices(task.dev, devLabels);
  const selected = selectOnDev(
    { features: rows.train, labels: goldIndices(task.labelled, labels) },
    rows.dev,
    labels.length,
    settings,
    (predicted) => scoreClassification(devGold, predicted, devLabels)[metric],
  );
  const metrics: Record<string, number> = { [`${prefix}c`]: selected.c };
  const perClassF1: Record<string, Record<string, number>> = {};
  const confusion: Record<string, { labels: string[]; matrix: number[][] }> = {};
  for (const split of ['dev', 'test'] as const) {
    const examples = task[split];
    const splitLabels = scoringLabels(labels, examples);
    const scores = scoreClassification(goldIndices(examples, splitLabels), predictLogistic(selected.model, rows[split]).predicted, splitLabels);
    for (const m of ['accuracy', 'micro_f1', 'macro_f1'] as const) metrics[`${prefix}${split}_${m}`] = scores[m];
    perClassF1[split] = scores.perClassF1;
    confusion[split] = scores.confusion;
  }
  return { metrics, details: { grid: selected.grid, labels, perClassF1, confusion } };
}
