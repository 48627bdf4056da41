/** De-duplication by normalised text (case-folded, whitespace-collapsed). */
import { normaliseText } from './normalize.ts';

/** Keeps the first occurrence of every normalised text, in order. */
export function dedupeTexts<T>(items: readonly T[], textOf: (item: T) => string): { kept: T[]; dropped: T[] } {
  const seen = new Set<string>();
  const kept: T[] = [];
  const dropped: T[] = [];
  for (const item of items) {
    const key = normaliseText(textOf(item));
    if (seen.has(key)) dropped.push(item);
    else {
      seen.add(key);
      kept.push(item);
    }
  }
  return { kept, dropped };
}

/**
 * `dedupe_train`: drops the train examples whose normalised text also occurs in dev or test
 * (HYPERPARTISAN as released has 51 of its 65 test articles in train). Empty texts never match.
 * Train keeps its order and its own duplicates; only cross-split copies go.
 */
export function dedupeTrain<T extends { text: string }>(
  train: readonly T[],
  heldOut: { dev: readonly { text: string }[]; test: readonly { text: string }[] },
): { train: T[]; dropped: T[] } {
  const evalTexts = new Set<string>();
  for (const e of [...heldOut.dev, ...heldOut.test]) {
    const key = normaliseText(e.text);
    if (key !== '') evalTexts.add(key);
  }
  const kept: T[] = [];
  const dropped: T[] = [];
  for (const e of train) (evalTexts.has(normaliseText(e.text)) ? dropped : kept).push(e);
  return { train: kept, dropped };
}
