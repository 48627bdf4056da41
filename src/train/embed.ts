/**
 * Frozen-encoder features of texts: the mean of the final hidden states over each text's
 * non-padding tokens ([CLS] and [SEP] included) and the [CLS] state. kNN data selection embeds
 * with the mean; linear probes use both.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InterruptedError } from '../errors.ts';
import { currentBackend, initBackend } from './backend/index.ts';
import { loadHfCheckpoint } from './checkpoint/hf-dir.ts';
import { positionIdsFor } from './data/batches.ts';
import { encode } from './model/encoder.ts';
import { buildModel, disposeModel, type EncoderModel } from './model/model.ts';
import { getTrainOps } from './ops/index.ts';
import type { TrainOps } from './ops/types.ts';
import { inputTensors } from './step.ts';
import type { TextTokenizer } from './tokenize/tokenizer.ts';

/** Row-major [texts × hidden] matrices, rows in the order of the texts. */
export interface PooledFeatures {
  dims: number;
  mean: Float32Array;
  cls: Float32Array;
}

export interface PoolingOptions {
  maxSeqLength: number;
  batchSize?: number;
  signal?: AbortSignal;
}

/** Pooled final hidden states of `texts` under `model` (no dropout). */
export async function pooledFeatures(ops: TrainOps, model: EncoderModel, tok: TextTokenizer, texts: readonly string[], opts: PoolingOptions): Promise<PooledFeatures> {
  const config = model.config;
  const h = config.hiddenSize;
  const batchSize = opts.batchSize ?? 32;
  const mean = new Float32Array(texts.length * h);
  const cls = new Float32Array(texts.length * h);
  const encoded = texts.map((t) => tok.encodeForClassification(t, opts.maxSeqLength));
  // Length order keeps padding small; rows are written back to their texts' places.
  const order = [...encoded.keys()].sort((a, b) => encoded[a]!.length - encoded[b]!.length || a - b);
  for (let from = 0; from < order.length; from += batchSize) {
    if (opts.signal?.aborted) throw new InterruptedError();
    const idx = order.slice(from, from + batchSize);
    const seqLen = Math.max(...idx.map((i) => encoded[i]!.length));
    const ids = new Int32Array(idx.length * seqLen).fill(tok.special.pad);
    const keyMask = new Float32Array(idx.length * seqLen);
    idx.forEach((i, b) => {
      ids.set(encoded[i]!, b * seqLen);
      keyMask.fill(1, b * seqLen, b * seqLen + encoded[i]!.length);
    });
    const positionIds = config.modelType === 'roberta' ? positionIdsFor(keyMask, idx.length, seqLen, config.padTokenId) : null;
    const [pooledMean, pooledCls] = tf.tidy(() => {
      const hidden = encode(ops, model, inputTensors({ batchSize: idx.length, seqLen, ids, keyMask, positionIds }), null);
      const mask = tf.tensor3d(keyMask, [idx.length, seqLen, 1]);
      const m = tf.div(tf.sum(tf.mul(hidden, mask), 1), tf.sum(mask, 1));
      const c = tf.reshape(tf.slice(hidden, [0, 0, 0], [idx.length, 1, h]), [idx.length, h]);
      return [m, c];
    });
    const meanValues = (await pooledMean!.data()) as Float32Array;
    const clsValues = (await pooledCls!.data()) as Float32Array;
    pooledMean!.dispose();
    pooledCls!.dispose();
    idx.forEach((i, row) => {
      mean.set(meanValues.subarray(row * h, row * h + h), i * h);
      cls.set(clsValues.subarray(row * h, row * h + h), i * h);
    });
  }
  return { dims: h, mean, cls };
}

/**
 * Embeds `texts` with the encoder in `modelDir` (a HF checkpoint directory): mean-pooled, a
 * row-major [texts.length, hidden] matrix. Initialises the default backend if none is.
 */
export async function embedTexts(modelDir: string, texts: string[], opts: { maxSeqLength: number; batchSize?: number }): Promise<Float32Array> {
  if (currentBackend() === null) await initBackend('auto');
  const ckpt = loadHfCheckpoint(modelDir);
  const { model } = buildModel({ ...ckpt.config, labels: null }, 'mlm', ckpt.weights, 0, modelDir);
  try {
    return (await pooledFeatures(getTrainOps(), model, ckpt.tokenizer, texts, opts)).mean;
  } finally {
    disposeModel(model);
  }
}
