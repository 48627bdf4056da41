/**
 * Classification examples: `[CLS] text [SEP]` truncated to maxSeqLength, with label indices
 * into the classifier's label list (the sorted label strings of the labelled train data).
 * Labels that occur only in dev/test are appended for scoring (the classifier never predicts
 * them; they count as misses), so metrics never silently drop examples.
 */
import type { TaskExample } from '../../data/types.ts';
import { DataError } from '../../errors.ts';
import { positionIdsFor } from '../data/batches.ts';
import type { ClassBatch } from '../step.ts';
import type { TextTokenizer } from '../tokenize/tokenizer.ts';

export interface ClassExamples {
  ids: Int32Array[];
  /** Index into the scoring label list. */
  labels: number[];
}

export function labelsOf(train: readonly TaskExample[]): string[] {
  const labels = [...new Set(train.map((e) => e.label))].sort();
  if (labels.length < 2) throw new DataError(`the labelled train data has ${labels.length} label(s) (${labels.join(', ')}); a classifier needs at least two`);
  return labels;
}

/** The classifier's labels plus any label only seen in `examples`, appended in sorted order. */
export function scoringLabels(classifierLabels: readonly string[], examples: readonly TaskExample[]): string[] {
  const known = new Set(classifierLabels);
  const extra = [...new Set(examples.map((e) => e.label).filter((l) => !known.has(l)))].sort();
  return [...classifierLabels, ...extra];
}

export function encodeExamples(examples: readonly TaskExample[], labels: readonly string[], tokenizer: TextTokenizer, maxSeqLength: number): ClassExamples {
  const index = new Map(labels.map((l, i) => [l, i]));
  return {
    ids: examples.map((e) => tokenizer.encodeForClassification(e.text, maxSeqLength)),
    labels: examples.map((e) => {
      const i = index.get(e.label);
      if (i === undefined) throw new DataError(`label ${JSON.stringify(e.label)} (line ${e.line}) is not among ${labels.join(', ')}`);
      return i;
    }),
  };
}

/** Batches per length-sorted group, as Hugging Face's LengthGroupedSampler (mega-batches of 50). */
const GROUP_BATCHES = 50;

/**
 * `order` (a shuffle) cut into groups of GROUP_BATCHES batches, each group sorted by length,
 * longest first: batches hold similar lengths, so padding nearly vanishes, while which examples
 * meet in a group stays random. Stable within equal lengths, so the result is deterministic.
 */
export function lengthGroupedOrder(order: Uint32Array, ids: readonly Int32Array[], batchSize: number): Uint32Array {
  const out = new Uint32Array(order.length);
  const group = GROUP_BATCHES * batchSize;
  for (let from = 0; from < order.length; from += group) {
    const members = Array.from(order.subarray(from, Math.min(order.length, from + group)));
    members.sort((a, b) => ids[b]!.length - ids[a]!.length);
    out.set(members, from);
  }
  return out;
}

/** Pads the chosen examples to the longest of them. */
export function assembleClassBatch(ex: ClassExamples, indices: readonly number[], padId: number, robertaPaddingIdx: number | null): ClassBatch {
  const batchSize = indices.length;
  const seqLen = Math.max(...indices.map((i) => ex.ids[i]!.length));
  const ids = new Int32Array(batchSize * seqLen).fill(padId);
  const keyMask = new Float32Array(batchSize * seqLen);
  let tokens = 0;
  indices.forEach((i, b) => {
    const row = ex.ids[i]!;
    ids.set(row, b * seqLen);
    keyMask.fill(1, b * seqLen, b * seqLen + row.length);
    tokens += row.length;
  });
  return {
    batchSize,
    seqLen,
    ids,
    keyMask,
    positionIds: robertaPaddingIdx === null ? null : positionIdsFor(keyMask, batchSize, seqLen, robertaPaddingIdx),
    labels: Int32Array.from(indices.map((i) => ex.labels[i]!)),
    tokens,
  };
}
