/**
 * Text embeddings from a model directory: mean of the final hidden states over each text's
 * non-padding tokens ([CLS] and [SEP] included). Used by kNN data selection.
 */
import * as tf from '@tensorflow/tfjs-core';
import { currentBackend, initBackend } from './backend/index.ts';
import { loadHfCheckpoint } from './checkpoint/hf-dir.ts';
import { positionIdsFor } from './data/batches.ts';
import { encode } from './model/encoder.ts';
import { buildModel, disposeModel } from './model/model.ts';
import { getTrainOps } from './ops/index.ts';
import { inputTensors } from './step.ts';

/**
 * Embeds `texts` with the encoder in `modelDir` (a HF checkpoint directory). Returns a
 * row-major [texts.length, hidden] matrix. Initialises the default backend if none is.
 */
export async function embedTexts(modelDir: string, texts: string[], opts: { maxSeqLength: number; batchSize?: number }): Promise<Float32Array> {
  if (currentBackend() === null) await initBackend('auto');
  const ops = getTrainOps();
  const ckpt = loadHfCheckpoint(modelDir);
  const { model } = buildModel({ ...ckpt.config, labels: null }, 'mlm', ckpt.weights, 0, modelDir);
  const tok = ckpt.tokenizer;
  const h = ckpt.config.hiddenSize;
  const batchSize = opts.batchSize ?? 32;
  const out = new Float32Array(texts.length * h);
  try {
    const encoded = texts.map((t) => tok.encodeForClassification(t, opts.maxSeqLength));
    const order = [...encoded.keys()].sort((a, b) => encoded[a]!.length - encoded[b]!.length || a - b);
    for (let from = 0; from < order.length; from += batchSize) {
      const idx = order.slice(from, from + batchSize);
      const seqLen = Math.max(...idx.map((i) => encoded[i]!.length));
      const ids = new Int32Array(idx.length * seqLen).fill(tok.special.pad);
      const keyMask = new Float32Array(idx.length * seqLen);
      idx.forEach((i, b) => {
        ids.set(encoded[i]!, b * seqLen);
        keyMask.fill(1, b * seqLen, b * seqLen + encoded[i]!.length);
      });
      const positionIds = ckpt.config.modelType === 'roberta' ? positionIdsFor(keyMask, idx.length, seqLen, ckpt.config.padTokenId) : null;
      const pooled = tf.tidy(() => {
        const hidden = encode(ops, model, inputTensors({ batchSize: idx.length, seqLen, ids, keyMask, positionIds }), null);
        const mask = tf.tensor3d(keyMask, [idx.length, seqLen, 1]);
        return tf.div(tf.sum(tf.mul(hidden, mask), 1), tf.sum(mask, 1));
      });
      const values = (await pooled.data()) as Float32Array;
      pooled.dispose();
      idx.forEach((i, row) => out.set(values.subarray(row * h, row * h + h), i * h));
    }
  } finally {
    disposeModel(model);
  }
  return out;
}
