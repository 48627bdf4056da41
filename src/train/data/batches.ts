/**
 * From examples to batches. Training reads an endless stream of examples: epoch e is a seeded
 * permutation of all examples, and global position k is example perm_{k / N}[k mod N]. A run's
 * data position is therefore one number (examples consumed), which is what a checkpoint keeps.
 */
import { hashKey, permutation, rngFor, Stream } from '../rng.ts';
import { exampleTokens, type MlmExamples } from './examples.ts';
import { maskExample, type MaskSettings, type MaskVocabulary } from './masking.ts';

/** A padded batch as flat typed arrays (row-major [batchSize, seqLen]). */
export interface MlmBatch {
  batchSize: number;
  seqLen: number;
  ids: Int32Array;
  /** 1 for tokens, 0 for padding. */
  keyMask: Float32Array;
  /** RoBERTa's position ids; null for BERT (positions 0..S-1). */
  positionIds: Int32Array | null;
  /** Flat indices (b * seqLen + s) of masked positions. */
  masked: Int32Array;
  /** Original token at each masked position. */
  labels: Int32Array;
  /** Non-padding tokens in the batch. */
  tokens: number;
}

export interface BatchLayout {
  padId: number;
  /** Set for RoBERTa: positions count from padding_idx + 1. */
  robertaPaddingIdx: number | null;
}

/** The shuffled order of examples, one seeded permutation per epoch. */
export class ExampleOrder {
  private cachedEpoch = -1;
  private cached: Uint32Array = new Uint32Array(0);

  constructor(
    readonly count: number,
    private readonly seed: number,
  ) {}

  /** (epoch, example index) at global stream position k. */
  at(k: number): { epoch: number; index: number } {
    const epoch = Math.floor(k / this.count);
    if (epoch !== this.cachedEpoch) {
      this.cached = permutation(this.count, rngFor(this.seed, Stream.shuffle, epoch));
      this.cachedEpoch = epoch;
    }
    return { epoch, index: this.cached[k - epoch * this.count]! };
  }
}

/** Masking key of an example: per epoch when re-masking, else fixed for the whole run. */
export function maskKey(seed: number, epoch: number, index: number, remaskEachEpoch: boolean): number {
  return hashKey(seed, Stream.mask, remaskEachEpoch ? epoch : 0, index);
}

export function positionIdsFor(keyMask: Float32Array, batchSize: number, seqLen: number, paddingIdx: number): Int32Array {
  const out = new Int32Array(batchSize * seqLen);
  for (let b = 0; b < batchSize; b++) {
    let count = 0;
    for (let s = 0; s < seqLen; s++) {
      const i = b * seqLen + s;
      if (keyMask[i] === 1) out[i] = paddingIdx + ++count;
      else out[i] = paddingIdx;
    }
  }
  return out;
}

/**
 * Masks and pads the given examples (with their masking keys) into one batch. If nothing got
 * masked (tiny p on a short batch), the first maskable token is masked so the loss is defined.
 */
export function assembleMlmBatch(
  examples: MlmExamples,
  items: ReadonlyArray<{ index: number; key: number }>,
  settings: MaskSettings,
  vocab: MaskVocabulary,
  layout: BatchLayout,
): MlmBatch {
  const batchSize = items.length;
  let seqLen = 0;
  for (const it of items) seqLen = Math.max(seqLen, examples.starts[it.index + 1]! - examples.starts[it.index]!);
  const ids = new Int32Array(batchSize * seqLen).fill(layout.padId);
  const keyMask = new Float32Array(batchSize * seqLen);
  const positions: number[] = [];
  const labels: number[] = [];
  let tokens = 0;
  items.forEach((it, b) => {
    const src = exampleTokens(examples, it.index);
    const row = ids.subarray(b * seqLen, b * seqLen + src.length);
    maskExample(src, row, it.key, settings, vocab, positions, labels, b * seqLen);
    keyMask.fill(1, b * seqLen, b * seqLen + src.length);
    tokens += src.length;
  });
  if (positions.length === 0) forceOneMask(ids, vocab, positions, labels);
  return {
    batchSize,
    seqLen,
    ids,
    keyMask,
    positionIds: layout.robertaPaddingIdx === null ? null : positionIdsFor(keyMask, batchSize, seqLen, layout.robertaPaddingIdx),
    masked: Int32Array.from(positions),
    labels: Int32Array.from(labels),
    tokens,
  };
}

function forceOneMask(ids: Int32Array, vocab: MaskVocabulary, positions: number[], labels: number[]): void {
  for (let i = 0; i < ids.length; i++) {
    if (vocab.specialMask[ids[i]!] === 1) continue;
    positions.push(i);
    labels.push(ids[i]!);
    ids[i] = vocab.maskId;
    return;
  }
}

/** The examples (with masking keys) of micro-batch `micro` of optimiser step `step`. */
export function microBatchItems(
  order: ExampleOrder,
  step: number,
  micro: number,
  batchSize: number,
  gradAccum: number,
  seed: number,
  remaskEachEpoch: boolean,
): Array<{ index: number; key: number }> {
  const first = (step * gradAccum + micro) * batchSize;
  const items: Array<{ index: number; key: number }> = [];
  for (let k = first; k < first + batchSize; k++) {
    const { epoch, index } = order.at(k);
    items.push({ index, key: maskKey(seed, epoch, index, remaskEachEpoch) });
  }
  return items;
}
