/**
 * The `probe` evaluation: what adaptation did to the representation, without fine-tuning noise.
 * The pretrained model stays frozen; each text becomes its final [CLS] state and its mean-pooled
 * states, standardised with the train split's statistics, and a dev-picked logistic regression
 * is fitted on each. Forward passes only.
 */
import { fitScale, applyScale } from '../classify/standardise.ts';
import { denseRows } from '../classify/types.ts';
import { loadTaskInput } from '../data/task-input.ts';
import { DaptError, DataError } from '../errors.ts';
import type { EvaluateParams } from '../plan/types.ts';
import { PROBE_POOLINGS } from '../report/types.ts';
import { pooledFeatures } from '../train/embed.ts';
import { resolveInitialModel } from '../train/init-model.ts';
import { maxSequenceLength } from '../train/model/config.ts';
import { buildModel, disposeModel } from '../train/model/model.ts';
import type { TrainingRuntime } from '../train/stage-support.ts';
import { fitAndScore } from './linear-classifier.ts';
import type { StageContext, StageOutcome } from './types.ts';

export async function evaluateProbe(ctx: StageContext, params: Extract<EvaluateParams, { target: 'probe' }>, runtime: TrainingRuntime): Promise<StageOutcome> {
  const location = ctx.spec.inputs[params.task.content];
  if (location === undefined) throw new DaptError('DAPT_STAGE_SPEC_INVALID', `stage spec has no location for task ${params.task.content.slice(0, 12)}`);
  const task = await loadTaskInput(location, params.task);
  const initial = await resolveInitialModel(params.init, { inputs: ctx.spec.inputs, parents: ctx.parents, workDir: ctx.workDir });
  if (params.maxSeqLength > maxSequenceLength(initial.config)) {
    throw new DataError(`the probe's max_seq_length ${params.maxSeqLength} exceeds what the model's position embeddings allow (${maxSequenceLength(initial.config)})`);
  }
  const { model } = buildModel({ ...initial.config, labels: null }, 'mlm', initial.weights, 0, initial.source);
  const splits = { train: task.labelled, dev: task.dev, test: task.test };
  const features: Record<string, Awaited<ReturnType<typeof pooledFeatures>>> = {};
  try {
    for (const [split, examples] of Object.entries(splits)) {
      features[split] = await pooledFeatures(runtime.ops, model, initial.tokenizer, examples.map((e) => e.text), { maxSeqLength: params.maxSeqLength, signal: ctx.signal });
      ctx.reporter.progress(Object.keys(features).length, 3);
    }
  } finally {
    disposeModel(model);
  }
  const metrics: Record<string, number> = {};
  const details: Record<string, unknown> = { model: initial.source };
  for (const pooling of PROBE_POOLINGS) {
    const dims = features.train!.dims;
    const scale = fitScale(features.train![pooling], splits.train.length, dims);
    const rows = (split: keyof typeof splits) => denseRows(applyScale(features[split]![pooling], splits[split].length, dims, scale), splits[split].length, dims);
    const scored = fitAndScore(task, { train: rows('train'), dev: rows('dev'), test: rows('test') }, params.metric, params.classifier, `${pooling}_`);
    Object.assign(metrics, scored.metrics);
    details[pooling] = scored.details;
  }
  return { metrics, details };
}
