/**
 * Every trainable tensor under its Hugging Face name and shape (BertForMaskedLM,
 * BertForSequenceClassification, RobertaForMaskedLM, RobertaForSequenceClassification).
 * In memory, linear weights are kept as [in, out] so forward passes need no transpose;
 * HF stores them [out, in], which `hfTransposed` marks for load and save.
 */
import type { ModelConfig } from './config.ts';

export type ParamRole = 'encoder' | 'mlmHead' | 'classifier';

export interface ParamSpec {
  /** The state-dict key in HF's checkpoints. */
  name: string;
  /** dapt's in-memory shape. */
  shape: number[];
  /** HF stores the transpose ([out, in]). */
  hfTransposed: boolean;
  /** BERT's init: normal(0, initializer_range), zeros, ones; `embedding` also zeroes the padding row. */
  init: 'normal' | 'embedding' | 'zeros' | 'ones';
  /** AdamW weight decay applies (not to biases and LayerNorm weights). */
  decay: boolean;
  role: ParamRole;
}

function linear(prefix: string, inDim: number, outDim: number, role: ParamRole): ParamSpec[] {
  return [
    { name: `${prefix}.weight`, shape: [inDim, outDim], hfTransposed: true, init: 'normal', decay: true, role },
    { name: `${prefix}.bias`, shape: [outDim], hfTransposed: false, init: 'zeros', decay: false, role },
  ];
}

function layerNorm(prefix: string, dim: number, role: ParamRole): ParamSpec[] {
  return [
    { name: `${prefix}.weight`, shape: [dim], hfTransposed: false, init: 'ones', decay: false, role },
    { name: `${prefix}.bias`, shape: [dim], hfTransposed: false, init: 'zeros', decay: false, role },
  ];
}

/** `bert` or `roberta`: the base-model prefix of every encoder tensor. */
export function basePrefix(cfg: ModelConfig): string {
  return cfg.modelType;
}

export function encoderParamSpecs(cfg: ModelConfig): ParamSpec[] {
  const p = basePrefix(cfg);
  const h = cfg.hiddenSize;
  const specs: ParamSpec[] = [
    { name: `${p}.embeddings.word_embeddings.weight`, shape: [cfg.vocabSize, h], hfTransposed: false, init: 'embedding', decay: true, role: 'encoder' },
    {
      name: `${p}.embeddings.position_embeddings.weight`,
      shape: [cfg.maxPositions, h],
      hfTransposed: false,
      // RobertaEmbeddings gives position_embeddings a padding_idx too
      init: cfg.modelType === 'roberta' ? 'embedding' : 'normal',
      decay: true,
      role: 'encoder',
    },
    { name: `${p}.embeddings.token_type_embeddings.weight`, shape: [cfg.typeVocabSize, h], hfTransposed: false, init: 'normal', decay: true, role: 'encoder' },
    ...layerNorm(`${p}.embeddings.LayerNorm`, h, 'encoder'),
  ];
  for (let i = 0; i < cfg.numLayers; i++) {
    const l = `${p}.encoder.layer.${i}`;
    specs.push(
      ...linear(`${l}.attention.self.query`, h, h, 'encoder'),
      ...linear(`${l}.attention.self.key`, h, h, 'encoder'),
      ...linear(`${l}.attention.self.value`, h, h, 'encoder'),
      ...linear(`${l}.attention.output.dense`, h, h, 'encoder'),
      ...layerNorm(`${l}.attention.output.LayerNorm`, h, 'encoder'),
      ...linear(`${l}.intermediate.dense`, h, cfg.intermediateSize, 'encoder'),
      ...linear(`${l}.output.dense`, cfg.intermediateSize, h, 'encoder'),
      ...layerNorm(`${l}.output.LayerNorm`, h, 'encoder'),
    );
  }
  return specs;
}

/** The MLM head; its decoder weight is tied to the word embeddings and never stored. */
export function mlmHeadParamSpecs(cfg: ModelConfig): ParamSpec[] {
  const h = cfg.hiddenSize;
  if (cfg.modelType === 'roberta') {
    return [
      ...linear('lm_head.dense', h, h, 'mlmHead'),
      ...layerNorm('lm_head.layer_norm', h, 'mlmHead'),
      { name: 'lm_head.bias', shape: [cfg.vocabSize], hfTransposed: false, init: 'zeros', decay: false, role: 'mlmHead' },
    ];
  }
  return [
    ...linear('cls.predictions.transform.dense', h, h, 'mlmHead'),
    ...layerNorm('cls.predictions.transform.LayerNorm', h, 'mlmHead'),
    { name: 'cls.predictions.bias', shape: [cfg.vocabSize], hfTransposed: false, init: 'zeros', decay: false, role: 'mlmHead' },
  ];
}

/** The sequence-classification head: BERT's pooler + classifier, RoBERTa's classifier.dense + out_proj. */
export function classifierParamSpecs(cfg: ModelConfig, numLabels: number): ParamSpec[] {
  const h = cfg.hiddenSize;
  if (cfg.modelType === 'roberta') {
    return [...linear('classifier.dense', h, h, 'classifier'), ...linear('classifier.out_proj', h, numLabels, 'classifier')];
  }
  return [...linear('bert.pooler.dense', h, h, 'classifier'), ...linear('classifier', h, numLabels, 'classifier')];
}

/** Names HF may store for tensors dapt keeps under another name (tied or legacy copies). */
export const aliases: Record<string, string[]> = {
  'cls.predictions.bias': ['cls.predictions.decoder.bias'],
  'lm_head.bias': ['lm_head.decoder.bias'],
};

/** Old TF-converted checkpoints name LayerNorm parameters gamma/beta. */
export function normaliseLegacyName(name: string): string {
  return name.replace(/LayerNorm\.gamma$/, 'LayerNorm.weight').replace(/LayerNorm\.beta$/, 'LayerNorm.bias');
}
