/**
 * Classifier predictions (no dropout). Examples are batched in order of length so padding
 * stays small; results come back in the input order.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InterruptedError } from '../../errors.ts';
import { encodeRows, firstTokenRows } from '../model/encoder.ts';
import { classifierLogits } from '../model/heads.ts';
import type { EncoderModel } from '../model/model.ts';
import type { TrainOps } from '../ops/types.ts';
import { inputTensors } from '../step.ts';
import { assembleClassBatch, type ClassExamples } from './data.ts';

export interface Predictions {
  /** Predicted class index per example. */
  predicted: number[];
  /** Softmax over the classifier's labels, per example. */
  probabilities: number[][];
}

export async function predictClasses(
  ops: TrainOps,
  model: EncoderModel,
  ex: ClassExamples,
  layout: { padId: number; robertaPaddingIdx: number | null },
  batchSize: number,
  signal?: AbortSignal,
): Promise<Predictions> {
  const n = ex.ids.length;
  const order = [...Array(n).keys()].sort((a, b) => ex.ids[a]!.length - ex.ids[b]!.length || a - b);
  const predicted = new Array<number>(n);
  const probabilities = new Array<number[]>(n);
  for (let from = 0; from < n; from += batchSize) {
    if (signal?.aborted) throw new InterruptedError();
    const idx = order.slice(from, from + batchSize);
    const batch = assembleClassBatch(ex, idx, layout.padId, layout.robertaPaddingIdx);
    const probs = tf.tidy(() => {
      const first = encodeRows(ops, model, inputTensors(batch), null, firstTokenRows(batch.batchSize, batch.seqLen));
      return tf.softmax(classifierLogits(ops, model, first, null));
    });
    const values = (await probs.data()) as Float32Array;
    const k = probs.shape[1]!;
    probs.dispose();
    idx.forEach((i, row) => {
      const p = Array.from(values.subarray(row * k, row * k + k));
      probabilities[i] = p;
      predicted[i] = p.indexOf(Math.max(...p));
    });
  }
  return { predicted, probabilities };
}
