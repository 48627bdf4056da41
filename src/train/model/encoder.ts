/**
 * The BERT/RoBERTa encoder forward pass (post-LayerNorm, as HF's BertModel), written only in
 * TrainOps plus tfjs-core glue, so the ops implementation underneath decides the speed.
 * Callers wrap it in tf.tidy / tf.variableGrads.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DropoutSpec, TrainOps } from '../ops/types.ts';
import type { EncoderModel } from './model.ts';

export interface EncoderInputs {
  /** int32 [B, S] */
  ids: tf.Tensor2D;
  /** float32 [B, S]: 1 for tokens, 0 for padding. */
  keyMask: tf.Tensor2D;
  /** int32 [B, S], RoBERTa only (positions count from padding_idx + 1 and skip padding). */
  positionIds: tf.Tensor2D | null;
}

/** Dropout seeds for one forward pass: (layer, site) → seed; null = evaluation (no dropout). */
export type DropoutSeeds = ((layer: number, site: number) => number) | null;

/** Dropout sites within a layer; the embedding layer is layer -1, the head is layer `numLayers`. */
export const Site = { embeddings: 0, attentionProbs: 1, attentionOutput: 2, ffnOutput: 3, head: 4, headInner: 5 } as const;

export function dropoutSpec(seeds: DropoutSeeds, rate: number, layer: number, site: number): DropoutSpec | null {
  return seeds === null || rate === 0 ? null : { rate, seed: seeds(layer, site) };
}

/** Final hidden states [B, S, H]. */
export function encode(ops: TrainOps, model: EncoderModel, inputs: EncoderInputs, seeds: DropoutSeeds): tf.Tensor3D {
  const [b, s] = inputs.ids.shape;
  return tf.reshape(encodeRows(ops, model, inputs, seeds, null), [b, s, model.config.hiddenSize]) as tf.Tensor3D;
}

/** Flat indices (b * S + s) of the first token of each row, for a classifier. */
export function firstTokenRows(batchSize: number, seqLen: number): tf.Tensor1D {
  return tf.tensor1d(Int32Array.from({ length: batchSize }, (_, i) => i * seqLen), 'int32');
}

/**
 * Final hidden states of only the flat positions `rows` ([M, H]; all B*S rows when null).
 * A head that reads a few positions (masked tokens, the first token) needs the last layer's
 * output projection and feed-forward block only there — the same values for a fraction of the
 * work; keys and values still come from every position.
 */
export function encodeRows(ops: TrainOps, model: EncoderModel, inputs: EncoderInputs, seeds: DropoutSeeds, rows: tf.Tensor1D | null): tf.Tensor2D {
  const cfg = model.config;
  const p = (name: string): tf.Variable => model.params.get(`${cfg.modelType}.${name}`)!;
  const [b, s] = inputs.ids.shape;
  const h = cfg.hiddenSize;

  let x = ops.embeddingLookup(p('embeddings.word_embeddings.weight') as tf.Tensor2D, inputs.ids);
  if (inputs.positionIds === null) {
    // BERT positions are 0..S-1 for every row: add one slice instead of a lookup
    x = tf.add(x, tf.slice(p('embeddings.position_embeddings.weight'), [0, 0], [s, h]));
  } else {
    x = tf.add(x, ops.embeddingLookup(p('embeddings.position_embeddings.weight') as tf.Tensor2D, inputs.positionIds));
  }
  // single-segment inputs only: every token_type_id is 0
  x = tf.add(x, tf.slice(p('embeddings.token_type_embeddings.weight'), [0, 0], [1, h]));
  x = ops.layerNorm(x, p('embeddings.LayerNorm.weight') as tf.Tensor1D, p('embeddings.LayerNorm.bias') as tf.Tensor1D, cfg.layerNormEps);
  x = ops.dropout(x, dropoutSpec(seeds, cfg.hiddenDropout, -1, Site.embeddings));

  let hidden = tf.reshape(x, [b * s, h]) as tf.Tensor2D;
  for (let i = 0; i < cfg.numLayers; i++) {
    const l = (name: string): tf.Tensor => p(`encoder.layer.${i}.${name}`);
    const w = (name: string): tf.Tensor2D => l(`${name}.weight`) as tf.Tensor2D;
    const bias = (name: string): tf.Tensor1D => l(`${name}.bias`) as tf.Tensor1D;
    const proj = (name: string): tf.Tensor3D => tf.reshape(ops.dense(hidden, w(name), bias(name)), [b, s, h]) as tf.Tensor3D;
    const context = ops.selfAttention(
      proj('attention.self.query'),
      proj('attention.self.key'),
      proj('attention.self.value'),
      inputs.keyMask,
      cfg.numHeads,
      dropoutSpec(seeds, cfg.attentionDropout, i, Site.attentionProbs),
    );
    let flatContext = tf.reshape(context, [b * s, h]) as tf.Tensor2D;
    if (rows !== null && i === cfg.numLayers - 1) {
      flatContext = tf.gather(flatContext, rows);
      hidden = tf.gather(hidden, rows);
    }
    let attn = ops.dense(flatContext, w('attention.output.dense'), bias('attention.output.dense'));
    attn = ops.dropout(attn, dropoutSpec(seeds, cfg.hiddenDropout, i, Site.attentionOutput));
    hidden = ops.layerNorm(tf.add(attn, hidden), l('attention.output.LayerNorm.weight') as tf.Tensor1D, bias('attention.output.LayerNorm'), cfg.layerNormEps) as tf.Tensor2D;
    const inner = ops.gelu(ops.dense(hidden, w('intermediate.dense'), bias('intermediate.dense')));
    let out = ops.dense(inner, w('output.dense'), bias('output.dense'));
    out = ops.dropout(out, dropoutSpec(seeds, cfg.hiddenDropout, i, Site.ffnOutput));
    hidden = ops.layerNorm(tf.add(out, hidden), l('output.LayerNorm.weight') as tf.Tensor1D, bias('output.LayerNorm'), cfg.layerNormEps) as tf.Tensor2D;
  }
  return hidden;
}
