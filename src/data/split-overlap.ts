/**
 * Overlap between a task's own splits (HYPERPARTISAN as released has 51 of 65 test articles in
 * train): exact copies by normalised text, and train examples sharing an n-token span with dev/test.
 */
import { normaliseText } from './normalize.ts';
import { buildEvalIndex } from './leakage-scan.ts';
import { dedupeTrain } from './dedupe.ts';
import { evalTextsOf, DEFAULT_SHINGLE_TOKENS } from './leakage.ts';
import type { TaskData, TaskExample } from './types.ts';

export interface SplitOverlap {
  task: string;
  sizes: { train: number; dev: number; test: number };
  /** Examples of the first split whose normalised text occurs in the second. */
  exact: { testInTrain: number; devInTrain: number; testInDev: number };
  /** Train examples `dedupe_train: true` drops (text in dev or test), and what train keeps. */
  dedupeTrain: { dropped: number; kept: number };
  /** Train examples sharing at least one n-token span with a dev/test example (includes exact). */
  nearTrain: number;
  n: number;
}

function countIn(items: readonly TaskExample[], other: readonly TaskExample[]): number {
  const texts = new Set(other.map((e) => normaliseText(e.text)).filter((t) => t !== ''));
  return items.filter((e) => texts.has(normaliseText(e.text))).length;
}

export async function splitOverlap(task: string, data: TaskData, n = DEFAULT_SHINGLE_TOKENS): Promise<SplitOverlap> {
  const index = buildEvalIndex([evalTextsOf(data, 0)], n);
  let near = 0;
  // Scan train one example at a time so `docs` counts train examples, not matched pairs.
  const { counts } = await index.scan(data.train.map((e) => e.text));
  near = counts.get(0)!.docs;
  const { dropped, train } = dedupeTrain(data.train, data);
  return {
    task,
    sizes: { train: data.train.length, dev: data.dev.length, test: data.test.length },
    exact: { testInTrain: countIn(data.test, data.train), devInTrain: countIn(data.dev, data.train), testInDev: countIn(data.test, data.dev) },
    dedupeTrain: { dropped: dropped.length, kept: train.length },
    nearTrain: near,
    n,
  };
}
