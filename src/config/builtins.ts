/**
 * What dapt assumes where the file is silent. The paper's values (Gururangan et al. 2020, Tables
 * 13-14 and the released classifier config) unless this 2-core CPU machine needs a cheaper one;
 * each cheaper value says so. experiments/README.md lists the same table for users.
 */
import type { ArchitectureSpec, TokenizerTrainSpec } from './types.ts';

/** Masking, in the raw (YAML) shape so it layers with the file's settings. */
export const BUILTIN_MASKING = {
  probability: 0.15, // paper / BERT
  schedule: 'constant',
  replace: { mask: 0.8, random: 0.1, keep: 0.1 }, // BERT
  whole_word: false, // RoBERTa masks word pieces
  remask_each_epoch: true, // paper: dynamic masking, TAPT re-masks every epoch
  max_seq_length: 128, // CHEAPER: paper 512; bert-mini-general only trained positions < 128
  packing: 'packed', // RoBERTa's full-sentence packing: no padding wasted on CPU
} as const;

/** Optimiser settings shared by all pretraining. */
export const BUILTIN_OPTIMIZER = {
  head_lr: null,
  betas: [0.9, 0.98], // paper Table 13
  eps: 1e-6, // paper Table 13
  weight_decay: 0.01, // paper Table 13
  warmup: { ratio: 0.06 }, // paper Table 13
  decay: 'linear', // paper Table 13
  grad_accum: 1,
  clip_norm: 1.0, // not in the paper; Hugging Face default, used to train bert-mini-general
} as const;

/** Per kind of pretraining: learning rate, batch and length. */
export const BUILTIN_OPTIMIZER_BY_KIND = {
  // paper: lr 5e-4, batch 2048, 12.5K steps. CHEAPER: batch 32 x 500 steps x 128 tokens = 2M tokens,
  // about one pass over a 1.5M-token domain corpus of the data pack (the paper's DAPT was one pass).
  dapt: { lr: 5e-4, batch_size: 32, max_steps: 500 },
  // paper: lr 1e-4, batch 256, 100 epochs. CHEAPER: batch 32, 10 epochs.
  tapt: { lr: 1e-4, batch_size: 32, epochs: 10 },
  // a from-scratch base: bert-mini-general's recipe (lr 5e-4, batch 64, 1,200 steps).
  scratch: { lr: 5e-4, batch_size: 64, max_steps: 1200 },
} as const;

export const BUILTIN_HELD_OUT = { fraction: 0.02, max_docs: 500, every_steps: 100 } as const;

export const BUILTIN_SEED = 0;

/** The shared bert-mini-general's shape (4 layers, 256 hidden, 4 heads, FF 1024). */
export const BUILTIN_ARCHITECTURE: ArchitectureSpec = {
  modelType: 'bert',
  layers: 4,
  hidden: 256,
  heads: 4,
  intermediate: 1024,
  maxPositions: 512,
  typeVocabSize: 2,
  hiddenAct: 'gelu',
  dropout: 0.1,
  attentionDropout: 0.1,
  layerNormEps: 1e-12,
};

export const BUILTIN_TOKENIZER: TokenizerTrainSpec = { kind: 'wordpiece', vocabSize: 16384, lowercase: true, minFrequency: 0 };

/** Fine-tuning, raw shape. Paper Table 14 and allenai/dont-stop-pretraining classifier.jsonnet. */
export const BUILTIN_FINETUNE = {
  lr: 2e-5, // paper
  head_lr: null,
  weight_decay: 0.1, // released config
  betas: [0.9, 0.98], // released config
  eps: 1e-6, // released config
  warmup_ratio: 0.06, // released config (slanted triangular, cut_frac 0.06)
  decay: 'linear',
  epochs: 10, // paper: 10 (3 for high-resource tasks)
  batch_size: 16, // paper
  grad_accum: 1,
  patience: 3, // paper
  dropout: 0.1, // paper
  max_seq_length: 128, // CHEAPER: paper 512
  group_by_length: false,
  clip_norm: 1.0, // not in the paper
  degenerate: 'keep', // the paper resampled degenerate HYPERPARTISAN seeds; dapt only does so when asked
} as const;

/** The reference row and the probes: scikit-learn-like logistic regression, C from this grid on dev. */
export const BUILTIN_LINEAR_CLASSIFIER = { c: [0.01, 0.1, 1, 10, 100], class_weight: 'balanced', max_iterations: 1000, grad_tolerance: 1e-6 } as const;
export const BUILTIN_REFERENCE = { ngram_max: 2, max_features: 200000 } as const;

export const BUILTIN_TFIDF = { dims: 16384, vocabulary: 'hashed', sublinear_tf: true } as const;
export const BUILTIN_MODEL_EMBEDDER = { max_seq_length: 128 } as const;
export const BUILTIN_DEGENERATE = { threshold: 'chance', max_resamples: 3 } as const;
