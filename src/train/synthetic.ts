/**
 * Synthetic full-length batches for benchmarks and tests: random ordinary tokens (ids from
 * `firstOrdinaryId` up), [CLS]/[SEP] at the ends, BERT masking at `maskProb`.
 */
import type { MlmBatch } from './data/batches.ts';
import { positionIdsFor } from './data/batches.ts';
import type { ModelConfig } from './model/config.ts';
import { rngFor } from './rng.ts';
import type { ClassBatch } from './step.ts';

export interface SyntheticOptions {
  seed?: number;
  /** Ids below this are treated as special ([PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4 by default). */
  firstOrdinaryId?: number;
  cls?: number;
  sep?: number;
  mask?: number;
}

function tokens(config: ModelConfig, batchSize: number, seqLen: number, opts: SyntheticOptions) {
  const rng = rngFor(opts.seed ?? 0, 0x5e7);
  const first = opts.firstOrdinaryId ?? 5;
  const ids = new Int32Array(batchSize * seqLen);
  for (let b = 0; b < batchSize; b++) {
    for (let s = 0; s < seqLen; s++) ids[b * seqLen + s] = first + rng.int(config.vocabSize - first);
    ids[b * seqLen] = opts.cls ?? 2;
    ids[b * seqLen + seqLen - 1] = opts.sep ?? 3;
  }
  const keyMask = new Float32Array(batchSize * seqLen).fill(1);
  const positionIds = config.modelType === 'roberta' ? positionIdsFor(keyMask, batchSize, seqLen, config.padTokenId) : null;
  return { ids, keyMask, positionIds, rng };
}

/** A full [batchSize, seqLen] MLM batch with about `maskProb` of the inner tokens masked (80/10/10). */
export function syntheticMlmBatch(config: ModelConfig, batchSize: number, seqLen: number, maskProb = 0.15, opts: SyntheticOptions = {}): MlmBatch {
  const { ids, keyMask, positionIds, rng } = tokens(config, batchSize, seqLen, opts);
  const masked: number[] = [];
  const labels: number[] = [];
  for (let b = 0; b < batchSize; b++) {
    for (let s = 1; s < seqLen - 1; s++) {
      if (rng.uniform() >= maskProb) continue;
      const i = b * seqLen + s;
      masked.push(i);
      labels.push(ids[i]!);
      const r = rng.uniform();
      if (r < 0.8) ids[i] = opts.mask ?? 4;
      else if (r < 0.9) ids[i] = (opts.firstOrdinaryId ?? 5) + rng.int(config.vocabSize - (opts.firstOrdinaryId ?? 5));
    }
  }
  return { batchSize, seqLen, ids, keyMask, positionIds, masked: Int32Array.from(masked), labels: Int32Array.from(labels), tokens: batchSize * seqLen };
}

/** A full [batchSize, seqLen] classification batch with random labels in [0, numLabels). */
export function syntheticClassBatch(config: ModelConfig, batchSize: number, seqLen: number, numLabels: number, opts: SyntheticOptions = {}): ClassBatch {
  const { ids, keyMask, positionIds, rng } = tokens(config, batchSize, seqLen, opts);
  const labels = Int32Array.from({ length: batchSize }, () => rng.int(numLabels));
  return { batchSize, seqLen, ids, keyMask, positionIds, labels, tokens: batchSize * seqLen };
}
