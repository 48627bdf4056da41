/**
 * Held-out MLM loss: one fixed masking of the held-out examples with BERT's recipe (p 0.15,
 * 80/10/10, token-level), whatever masking the run trains with, so losses of runs with
 * different masking schedules stay comparable. No dropout.
 */
import * as tf from '@tensorflow/tfjs-core';
import { assembleMlmBatch, type BatchLayout } from '../data/batches.ts';
import type { MlmExamples } from '../data/examples.ts';
import type { MaskSettings, MaskVocabulary } from '../data/masking.ts';
import { encodeRows } from '../model/encoder.ts';
import { mlmLogits } from '../model/heads.ts';
import type { EncoderModel } from '../model/model.ts';
import type { TrainOps } from '../ops/types.ts';
import { hashKey, Stream } from '../rng.ts';
import { inputTensors } from '../step.ts';

export const heldOutMasking: MaskSettings = { p: 0.15, replace: { mask: 0.8, random: 0.1, keep: 0.1 }, wholeWord: false };

export interface MlmScore {
  loss: number;
  perplexity: number;
  maskedTokens: number;
}

export async function evaluateMlm(
  ops: TrainOps,
  model: EncoderModel,
  examples: MlmExamples,
  vocab: MaskVocabulary,
  layout: BatchLayout,
  seed: number,
  batchSize: number,
  signal?: AbortSignal,
): Promise<MlmScore> {
  let sum = 0;
  let count = 0;
  for (let from = 0; from < examples.count; from += batchSize) {
    if (signal?.aborted) break;
    const items = [];
    for (let i = from; i < Math.min(examples.count, from + batchSize); i++) items.push({ index: i, key: hashKey(seed, Stream.heldOutMask, i) });
    const batch = assembleMlmBatch(examples, items, heldOutMasking, vocab, layout);
    const mean = tf.tidy(() => {
      const rows = encodeRows(ops, model, inputTensors(batch), null, tf.tensor1d(batch.masked, 'int32'));
      return ops.softmaxCrossEntropy(mlmLogits(ops, model, rows), tf.tensor1d(batch.labels, 'int32'));
    });
    sum += (await mean.data())[0]! * batch.masked.length;
    count += batch.masked.length;
    mean.dispose();
  }
  const loss = count === 0 ? NaN : sum / count;
  return { loss, perplexity: Math.exp(loss), maskedTokens: count };
}
