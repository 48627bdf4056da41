/**
 * The encoder's configuration, read from and written to Hugging Face `config.json` (the fields
 * BertConfig / RobertaConfig define), so checkpoints move between dapt and `transformers`.
 */
import type { ArchitectureSpec } from '../../config/types.ts';
import { DaptError } from '../../errors.ts';

export type ModelType = 'bert' | 'roberta';

export interface ModelConfig {
  modelType: ModelType;
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  intermediateSize: number;
  hiddenAct: 'gelu';
  maxPositions: number;
  typeVocabSize: number;
  layerNormEps: number;
  hiddenDropout: number;
  attentionDropout: number;
  /** Dropout of the classification head; null = hiddenDropout (as HF). */
  classifierDropout: number | null;
  padTokenId: number;
  initializerRange: number;
  /** Classifier label names by class index, when the checkpoint is a classifier. */
  labels: string[] | null;
  /** The config.json this came from, so fields dapt does not use survive a save. */
  raw: Record<string, unknown>;
}

function bad(file: string, why: string): DaptError {
  return new DaptError('DAPT_CHECKPOINT_INVALID', `${file}: ${why}`);
}

function int(raw: Record<string, unknown>, key: string, file: string, fallback?: number): number {
  const v = raw[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw bad(file, `"${key}" must be a non-negative integer (found ${JSON.stringify(v)})`);
  return v;
}

function num(raw: Record<string, unknown>, key: string, file: string, fallback: number): number {
  const v = raw[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(file, `"${key}" must be a number (found ${JSON.stringify(v)})`);
  return v;
}

/** Parses a HF config.json object (BERT or RoBERTa). `file` is only used in error messages. */
export function parseHfConfig(raw: Record<string, unknown>, file: string): ModelConfig {
  const modelType = raw.model_type;
  if (modelType !== 'bert' && modelType !== 'roberta') {
    throw bad(file, `model_type ${JSON.stringify(modelType)} is not supported; dapt trains "bert" and "roberta" encoders`);
  }
  const act = raw.hidden_act ?? 'gelu';
  if (act !== 'gelu' && act !== 'gelu_python') throw bad(file, `hidden_act ${JSON.stringify(act)} is not supported; dapt implements "gelu" (erf)`);
  const posType = raw.position_embedding_type ?? 'absolute';
  if (posType !== 'absolute') throw bad(file, `position_embedding_type ${JSON.stringify(posType)} is not supported; dapt implements "absolute"`);
  const cfg: ModelConfig = {
    modelType,
    vocabSize: int(raw, 'vocab_size', file),
    hiddenSize: int(raw, 'hidden_size', file),
    numLayers: int(raw, 'num_hidden_layers', file),
    numHeads: int(raw, 'num_attention_heads', file),
    intermediateSize: int(raw, 'intermediate_size', file),
    hiddenAct: 'gelu',
    maxPositions: int(raw, 'max_position_embeddings', file),
    typeVocabSize: int(raw, 'type_vocab_size', file, 2),
    layerNormEps: num(raw, 'layer_norm_eps', file, 1e-12),
    hiddenDropout: num(raw, 'hidden_dropout_prob', file, 0.1),
    attentionDropout: num(raw, 'attention_probs_dropout_prob', file, 0.1),
    classifierDropout: raw.classifier_dropout === null || raw.classifier_dropout === undefined ? null : num(raw, 'classifier_dropout', file, 0.1),
    padTokenId: int(raw, 'pad_token_id', file, modelType === 'roberta' ? 1 : 0),
    initializerRange: num(raw, 'initializer_range', file, 0.02),
    labels: parseLabels(raw, file),
    raw,
  };
  if (cfg.hiddenSize % cfg.numHeads !== 0) throw bad(file, `hidden_size ${cfg.hiddenSize} is not a multiple of num_attention_heads ${cfg.numHeads}`);
  if (cfg.typeVocabSize < 1) throw bad(file, 'type_vocab_size must be at least 1');
  return cfg;
}

function parseLabels(raw: Record<string, unknown>, file: string): string[] | null {
  const archs = Array.isArray(raw.architectures) ? (raw.architectures as unknown[]) : [];
  const isClassifier = archs.some((a) => typeof a === 'string' && a.endsWith('ForSequenceClassification'));
  const id2label = raw.id2label as Record<string, string> | undefined;
  if (!isClassifier || id2label === undefined) return null;
  const n = Object.keys(id2label).length;
  const labels: string[] = [];
  for (let i = 0; i < n; i++) {
    const label = id2label[String(i)];
    if (typeof label !== 'string') throw bad(file, `id2label lacks class ${i}`);
    labels.push(label);
  }
  return labels;
}

/** Longest input (special tokens included) the position embeddings allow. */
export function maxSequenceLength(cfg: ModelConfig): number {
  // RoBERTa numbers positions from padding_idx + 1
  return cfg.modelType === 'roberta' ? cfg.maxPositions - cfg.padTokenId - 1 : cfg.maxPositions;
}

/** A from-scratch configuration. `maxPositions` of the spec is the usable sequence length. */
export function configFromArchitecture(arch: ArchitectureSpec, vocabSize: number, padTokenId: number): ModelConfig {
  const maxPositions = arch.modelType === 'roberta' ? arch.maxPositions + padTokenId + 1 : arch.maxPositions;
  const raw: Record<string, unknown> = {
    model_type: arch.modelType,
    architectures: [arch.modelType === 'roberta' ? 'RobertaForMaskedLM' : 'BertForMaskedLM'],
  };
  if (arch.modelType === 'roberta') Object.assign(raw, { bos_token_id: 0, eos_token_id: 2 });
  return {
    modelType: arch.modelType,
    vocabSize,
    hiddenSize: arch.hidden,
    numLayers: arch.layers,
    numHeads: arch.heads,
    intermediateSize: arch.intermediate,
    hiddenAct: 'gelu',
    maxPositions,
    typeVocabSize: arch.typeVocabSize,
    layerNormEps: arch.layerNormEps,
    hiddenDropout: arch.dropout,
    attentionDropout: arch.attentionDropout,
    classifierDropout: null,
    padTokenId,
    initializerRange: 0.02,
    labels: null,
    raw,
  };
}

/** The config.json object for a saved model: MLM (labels null) or sequence classifier. */
export function toHfConfig(cfg: ModelConfig): Record<string, unknown> {
  const prefix = cfg.modelType === 'roberta' ? 'Roberta' : 'Bert';
  const out: Record<string, unknown> = { ...cfg.raw };
  for (const k of ['id2label', 'label2id', 'num_labels', 'problem_type']) delete out[k];
  Object.assign(out, {
    architectures: [`${prefix}${cfg.labels === null ? 'ForMaskedLM' : 'ForSequenceClassification'}`],
    model_type: cfg.modelType,
    vocab_size: cfg.vocabSize,
    hidden_size: cfg.hiddenSize,
    num_hidden_layers: cfg.numLayers,
    num_attention_heads: cfg.numHeads,
    intermediate_size: cfg.intermediateSize,
    hidden_act: cfg.hiddenAct,
    max_position_embeddings: cfg.maxPositions,
    type_vocab_size: cfg.typeVocabSize,
    layer_norm_eps: cfg.layerNormEps,
    hidden_dropout_prob: cfg.hiddenDropout,
    attention_probs_dropout_prob: cfg.attentionDropout,
    classifier_dropout: cfg.classifierDropout,
    pad_token_id: cfg.padTokenId,
    initializer_range: cfg.initializerRange,
    position_embedding_type: 'absolute',
    tie_word_embeddings: true,
    torch_dtype: 'float32',
  });
  if (cfg.labels !== null) {
    out.id2label = Object.fromEntries(cfg.labels.map((l, i) => [String(i), l]));
    out.label2id = Object.fromEntries(cfg.labels.map((l, i) => [l, i]));
    out.problem_type = 'single_label_classification';
  }
  return out;
}
