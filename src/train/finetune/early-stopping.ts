/**
 * Early stopping on the dev metric, as the paper fine-tunes: the best epoch so far is kept, and
 * training stops once `patience` epochs in a row bring no improvement (0 = never stop early).
 * Plain data, so it lives in the checkpointed loop state and a resumed run decides as an
 * uninterrupted one.
 */

export interface DevTracker {
  best: { score: number; epoch: number } | null;
  /** Epochs since the last improvement. */
  badEpochs: number;
}

/** The tracker after epoch `epoch` (1-based) scored `score` on dev; `improved` says whether to keep these weights. */
export function observeDev(t: DevTracker, score: number, epoch: number): { tracker: DevTracker; improved: boolean } {
  if (t.best === null || score > t.best.score) return { tracker: { best: { score, epoch }, badEpochs: 0 }, improved: true };
  return { tracker: { best: t.best, badEpochs: t.badEpochs + 1 }, improved: false };
}

export function shouldStop(t: DevTracker, patience: number): boolean {
  return patience > 0 && t.badEpochs >= patience;
}
