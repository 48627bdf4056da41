/**
 * The tensor operations the encoder and optimiser are written in. The model code (src/train/model,
 * src/train/optim) calls only these plus plain tfjs-core ops for glue (reshape, slice, concat…),
 * so the fast path (fused kernels with hand-written gradients, native BLAS, threaded wasm) can be
 * swapped in behind this interface and checked against a reference implementation.
 *
 * All functions are differentiable with tf.grads/tf.variableGrads unless stated otherwise.
 * Shapes: B batch, S sequence, H hidden, N heads, V vocabulary, M masked positions.
 */
import type * as tf from '@tensorflow/tfjs-core';

export interface DropoutSpec {
  rate: number;
  /** Deterministic seed, derived by the caller from (run seed, step, layer, site), so a resumed
   *  run draws the same masks as an uninterrupted one. */
  seed: number;
}

export interface TrainOps {
  /** Name of the implementation (`reference`, `fused`…), recorded with results. */
  readonly name: string;

  /** ids int32 [...] → table rows [..., H]. The gradient w.r.t. table is a scatter-add
   *  (UnsortedSegmentSum), never a dense one-hot product. */
  embeddingLookup(table: tf.Tensor2D, ids: tf.Tensor): tf.Tensor;

  /** x [..., in] · w [in, out] + b [out]; `w` in HF-transposed storage is handled by the model.
   *  With `transposeW`, w is [out, in] and is used transposed without materialising wᵀ (the tied
   *  MLM decoder multiplies by the [V, H] word embeddings this way). */
  dense(x: tf.Tensor, w: tf.Tensor2D, b: tf.Tensor1D | null, transposeW?: boolean): tf.Tensor;

  /** LayerNorm over the last axis. */
  layerNorm(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor;

  /** GELU, exact erf form (HF `gelu`). */
  gelu(x: tf.Tensor): tf.Tensor;

  /** Elementwise dropout with inverted scaling; identity when spec is null or rate is 0. */
  dropout(x: tf.Tensor, spec: DropoutSpec | null): tf.Tensor;

  /** Multi-head scaled dot-product self-attention.
   *  q, k, v [B, S, H]; keyMask float32 [B, S] with 1 = attend, 0 = padding → context [B, S, H].
   *  `dropout` applies to the attention probabilities. */
  selfAttention(
    q: tf.Tensor3D,
    k: tf.Tensor3D,
    v: tf.Tensor3D,
    keyMask: tf.Tensor2D,
    heads: number,
    dropout: DropoutSpec | null,
  ): tf.Tensor3D;

  /** Mean cross-entropy of logits [M, V] against int32 labels [M] (softmax fused in). */
  softmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar;

  /** Global L2 norm of a list of gradients (not differentiable). */
  globalNorm(tensors: tf.Tensor[]): tf.Scalar;

  /** One AdamW update of a single parameter in place (not differentiable):
   *  m ← β1 m + (1-β1) g;  v ← β2 v + (1-β2) g²;
   *  p ← p − lr · ( m̂ / (sqrt(v̂) + eps) + weightDecay · p ), with bias-corrected m̂, v̂ at `step`
   *  (1-based). `gradScale` multiplies g first (used for clipping and accumulation averaging). */
  adamwUpdate(
    param: tf.Variable,
    grad: tf.Tensor,
    m: tf.Variable,
    v: tf.Variable,
    hp: { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; step: number; gradScale: number },
  ): void;
}
