/**
 * The two heads. MLM: dense + gelu + LayerNorm + decoder tied to the word embeddings (plus a
 * bias), evaluated only at masked positions — the vocabulary-sized product is the most expensive
 * part of a step, so computing it for every token would waste most of it. Classification:
 * BERT's pooler (CLS → dense → tanh) then dropout and a linear layer; RoBERTa's
 * RobertaClassificationHead (dropout → dense → tanh → dropout → out_proj on the first token).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TrainOps } from '../ops/types.ts';
import { dropoutSpec, Site, type DropoutSeeds } from './encoder.ts';
import type { EncoderModel } from './model.ts';

/** Logits [M, V] from the final hidden states of the masked positions ([M, H], see encodeRows). */
export function mlmLogits(ops: TrainOps, model: EncoderModel, rows: tf.Tensor2D): tf.Tensor2D {
  const cfg = model.config;
  const p = (name: string): tf.Variable => model.params.get(name)!;
  const names =
    cfg.modelType === 'roberta'
      ? { dense: 'lm_head.dense', norm: 'lm_head.layer_norm', bias: 'lm_head.bias' }
      : { dense: 'cls.predictions.transform.dense', norm: 'cls.predictions.transform.LayerNorm', bias: 'cls.predictions.bias' };
  let t = ops.dense(rows, p(`${names.dense}.weight`) as tf.Tensor2D, p(`${names.dense}.bias`) as tf.Tensor1D);
  t = ops.gelu(t);
  t = ops.layerNorm(t, p(`${names.norm}.weight`) as tf.Tensor1D, p(`${names.norm}.bias`) as tf.Tensor1D, cfg.layerNormEps);
  // The decoder is tied to the word embeddings [V, H]: multiply by their transpose in place.
  const embeddings = p(`${cfg.modelType}.embeddings.word_embeddings.weight`) as tf.Tensor2D;
  return ops.dense(t, embeddings, p(names.bias) as tf.Tensor1D, true) as tf.Tensor2D;
}

/** Class logits [B, C] from the first token's final hidden states ([B, H], see firstTokenRows). */
export function classifierLogits(ops: TrainOps, model: EncoderModel, first: tf.Tensor2D, seeds: DropoutSeeds): tf.Tensor2D {
  const cfg = model.config;
  const p = (name: string): tf.Variable => model.params.get(name)!;
  const rate = cfg.classifierDropout ?? cfg.hiddenDropout;
  const layer = cfg.numLayers;
  let x = first;
  if (cfg.modelType === 'roberta') {
    x = ops.dropout(x, dropoutSpec(seeds, rate, layer, Site.headInner)) as tf.Tensor2D;
    x = tf.tanh(ops.dense(x, p('classifier.dense.weight') as tf.Tensor2D, p('classifier.dense.bias') as tf.Tensor1D)) as tf.Tensor2D;
    x = ops.dropout(x, dropoutSpec(seeds, rate, layer, Site.head)) as tf.Tensor2D;
    return ops.dense(x, p('classifier.out_proj.weight') as tf.Tensor2D, p('classifier.out_proj.bias') as tf.Tensor1D) as tf.Tensor2D;
  }
  x = tf.tanh(ops.dense(x, p('bert.pooler.dense.weight') as tf.Tensor2D, p('bert.pooler.dense.bias') as tf.Tensor1D)) as tf.Tensor2D;
  x = ops.dropout(x, dropoutSpec(seeds, rate, layer, Site.head)) as tf.Tensor2D;
  return ops.dense(x, p('classifier.weight') as tf.Tensor2D, p('classifier.bias') as tf.Tensor1D) as tf.Tensor2D;
}
