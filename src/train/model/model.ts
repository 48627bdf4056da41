/**
 * An encoder with one head, as a set of tf.Variables keyed by their Hugging Face names.
 * Building one from HF tensors (loading) and exporting HF tensors (saving) are exact inverses.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DaptError } from '../../errors.ts';
import type { TensorMap } from '../checkpoint/safetensors.ts';
import type { ModelConfig } from './config.ts';
import { initialValues, transpose2d } from './init.ts';
import { aliases, classifierParamSpecs, encoderParamSpecs, mlmHeadParamSpecs, normaliseLegacyName, type ParamSpec } from './names.ts';

export type HeadKind = 'mlm' | 'classifier';

export interface EncoderModel {
  config: ModelConfig;
  head: HeadKind;
  /** In a fixed order (encoder, then head): the order of gradients and optimiser state. */
  specs: ParamSpec[];
  params: Map<string, tf.Variable>;
}

export interface BuildReport {
  /** Tensors the model needs that the weights lacked (initialised fresh). */
  initialised: string[];
  /** Tensors in the weights the model does not use (e.g. an MLM head when fine-tuning). */
  unused: string[];
}

export function paramSpecsFor(config: ModelConfig, head: HeadKind): ParamSpec[] {
  const headSpecs = head === 'mlm' ? mlmHeadParamSpecs(config) : classifierParamSpecs(config, config.labels?.length ?? 0);
  return [...encoderParamSpecs(config), ...headSpecs];
}

/** Accepts state dicts saved from the bare base model (no `bert.`/`roberta.` prefix) and legacy
 *  gamma/beta names, as `transformers` does. */
function canonicalNames(weights: TensorMap, config: ModelConfig): Map<string, string> {
  const prefix = `${config.modelType}.`;
  const hasPrefix = [...weights.keys()].some((k) => k.startsWith(prefix));
  const out = new Map<string, string>();
  for (const k of weights.keys()) {
    let name = normaliseLegacyName(k);
    if (!hasPrefix && (name.startsWith('embeddings.') || name.startsWith('encoder.') || name.startsWith('pooler.'))) name = prefix + name;
    out.set(name, k);
  }
  return out;
}

/**
 * Creates the model's variables from HF-named `weights` where present and BERT's init (keyed by
 * `seed`) elsewhere. `file` names the weights' source in shape errors.
 */
export function buildModel(config: ModelConfig, head: HeadKind, weights: TensorMap | null, seed: number, file = 'weights'): { model: EncoderModel; report: BuildReport } {
  if (head === 'classifier' && (config.labels === null || config.labels.length < 2)) {
    throw new DaptError('DAPT_DATA_INVALID', 'a classifier needs at least two labels');
  }
  const specs = paramSpecsFor(config, head);
  const names = weights === null ? new Map<string, string>() : canonicalNames(weights, config);
  const used = new Set<string>();
  const initialised: string[] = [];
  const params = new Map<string, tf.Variable>();
  for (const spec of specs) {
    const stored = [spec.name, ...(aliases[spec.name] ?? [])].map((n) => names.get(n)).find((n) => n !== undefined);
    let values: Float32Array;
    if (stored !== undefined && weights !== null) {
      const t = weights.get(stored)!;
      const hfShape = spec.hfTransposed ? [...spec.shape].reverse() : spec.shape;
      if (t.shape.join(',') !== hfShape.join(',')) {
        throw new DaptError(
          'DAPT_CHECKPOINT_INVALID',
          `${file}: tensor ${stored} has shape [${t.shape}] but config.json implies [${hfShape}]; the weights and config.json do not belong together`,
        );
      }
      values = spec.hfTransposed ? transpose2d(t.data, hfShape[0]!, hfShape[1]!) : t.data;
      used.add(stored);
    } else {
      values = initialValues(spec, config, seed);
      initialised.push(spec.name);
    }
    params.set(spec.name, tf.variable(tf.tensor(values, spec.shape, 'float32'), true));
  }
  const unused = weights === null ? [] : [...weights.keys()].filter((k) => !used.has(k));
  return { model: { config, head, specs, params }, report: { initialised, unused } };
}

/** The model's tensors in HF names and layout (decoder weight tied, so not included). */
export async function exportWeights(model: EncoderModel): Promise<TensorMap> {
  const out: TensorMap = new Map();
  for (const spec of model.specs) {
    const data = (await model.params.get(spec.name)!.data()) as Float32Array;
    if (spec.hfTransposed) {
      out.set(spec.name, { shape: [spec.shape[1]!, spec.shape[0]!], data: transpose2d(data, spec.shape[0]!, spec.shape[1]!) });
    } else {
      out.set(spec.name, { shape: spec.shape.slice(), data });
    }
  }
  return out;
}

/** Overwrites every variable from HF-layout tensors (a training checkpoint of this same model). */
export function assignWeights(model: EncoderModel, weights: TensorMap, file: string): void {
  for (const spec of model.specs) {
    const t = weights.get(spec.name);
    if (t === undefined) throw new DaptError('DAPT_CHECKPOINT_INVALID', `${file} lacks ${spec.name}; delete the checkpoint to start the stage afresh`);
    const data = spec.hfTransposed ? transpose2d(t.data, spec.shape[1]!, spec.shape[0]!) : t.data;
    const v = model.params.get(spec.name)!;
    tf.tidy(() => v.assign(tf.tensor(data, spec.shape, 'float32')));
  }
}

export function disposeModel(model: EncoderModel): void {
  for (const v of model.params.values()) v.dispose();
  model.params.clear();
}
