/**
 * Classification metrics from gold and predicted label indices: accuracy, micro-F1 (pooled
 * counts over all classes; equals accuracy for single-label data), macro-F1 (unweighted mean of
 * per-class F1 over the classes that occur in gold or predictions), per-class F1 and the
 * confusion matrix (rows gold, columns predicted).
 */

export interface ClassificationScores {
  accuracy: number;
  micro_f1: number;
  macro_f1: number;
  perClassF1: Record<string, number>;
  confusion: { labels: string[]; matrix: number[][] };
}

function f1(tp: number, fp: number, fn: number): number {
  const denom = 2 * tp + fp + fn;
  return denom === 0 ? 0 : (2 * tp) / denom;
}

export function confusionMatrix(gold: readonly number[], predicted: readonly number[], numClasses: number): number[][] {
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  gold.forEach((g, i) => m[g]![predicted[i]!]!++);
  return m;
}

export function scoreClassification(gold: readonly number[], predicted: readonly number[], labels: readonly string[]): ClassificationScores {
  if (gold.length !== predicted.length) throw new RangeError(`${gold.length} gold labels but ${predicted.length} predictions`);
  const k = labels.length;
  const matrix = confusionMatrix(gold, predicted, k);
  let correct = 0;
  let tpSum = 0;
  let fpSum = 0;
  let fnSum = 0;
  const perClassF1: Record<string, number> = {};
  let macroSum = 0;
  let macroCount = 0;
  for (let c = 0; c < k; c++) {
    const tp = matrix[c]![c]!;
    const fn = matrix[c]!.reduce((a, b) => a + b, 0) - tp;
    const fp = matrix.reduce((a, row) => a + row[c]!, 0) - tp;
    correct += tp;
    tpSum += tp;
    fpSum += fp;
    fnSum += fn;
    perClassF1[labels[c]!] = f1(tp, fp, fn);
    if (tp + fp + fn > 0) {
      macroSum += f1(tp, fp, fn);
      macroCount++;
    }
  }
  return {
    accuracy: gold.length === 0 ? 0 : correct / gold.length,
    micro_f1: f1(tpSum, fpSum, fnSum),
    macro_f1: macroCount === 0 ? 0 : macroSum / macroCount,
    perClassF1,
    confusion: { labels: [...labels], matrix },
  };
}

/** The score of always predicting the most frequent gold class (the "chance" level). */
export function majorityClassScore(gold: readonly number[], labels: readonly string[], metric: 'accuracy' | 'micro_f1' | 'macro_f1'): number {
  const counts = new Array<number>(labels.length).fill(0);
  for (const g of gold) counts[g]!++;
  const majority = counts.indexOf(Math.max(...counts));
  return scoreClassification(gold, gold.map(() => majority), labels)[metric];
}
