/**
 * The evaluate stage. `classifier`: scores a finetune stage's best-on-dev model on the task's
 * dev/test splits (accuracy, micro-F1, macro-F1, per-class F1, confusion matrix) and writes
 * work/predictions.jsonl. `mlm`: held-out masked-LM loss and perplexity of a model on a corpus.
 * `reference` and `probe`: the linear classifiers of src/stages/reference.ts and probe.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { loadTaskInput } from '../data/task-input.ts';
import { DaptError, FileNotFoundError, InterruptedError } from '../errors.ts';
import type { EvaluateParams } from '../plan/types.ts';
import { loadHfCheckpoint } from '../train/checkpoint/hf-dir.ts';
import { maskVocabulary } from '../train/data/masking.ts';
import { corpusSource } from '../train/data/sources.ts';
import { encodeExamples, scoringLabels } from '../train/finetune/data.ts';
import { predictClasses } from '../train/finetune/predict.ts';
import { resolveInitialModel } from '../train/init-model.ts';
import { scoreClassification } from '../train/metrics.ts';
import { prepareMlmData } from '../train/mlm/data.ts';
import { evaluateMlm } from '../train/mlm/evaluate.ts';
import { maxSequenceLength } from '../train/model/config.ts';
import { buildModel, disposeModel } from '../train/model/model.ts';
import { backendDetails, savedOutcome, saveOutcome, startRuntime, type TrainingRuntime } from '../train/stage-support.ts';
import { evaluateProbe } from './probe.ts';
import { evaluateReference } from './reference.ts';
import type { StageContext, StageOutcome, StageRunner } from './types.ts';
import { tokenCacheDir, workOutputs } from '../store/layout.ts';

const evalBatchSize = 32;

async function evaluateClassifier(ctx: StageContext, params: Extract<EvaluateParams, { target: 'classifier' }>, runtime: TrainingRuntime): Promise<StageOutcome> {
  const parent = ctx.parents[params.finetune];
  if (parent === undefined) throw new DaptError('DAPT_STAGE_SPEC_INVALID', `stage spec lacks its finetune parent ${params.finetune}`);
  const ckpt = loadHfCheckpoint(workOutputs(parent.dir).model);
  const labelsFile = workOutputs(parent.dir).labels;
  let labels: string[];
  try {
    labels = JSON.parse(readFileSync(labelsFile, 'utf8')) as string[];
  } catch {
    throw new FileNotFoundError(labelsFile, "the finetune stage's labels.json");
  }
  const config = { ...ckpt.config, labels };
  const { model } = buildModel(config, 'classifier', ckpt.weights, 0, ckpt.dir);
  const location = ctx.spec.inputs[params.task.content];
  if (location === undefined) throw new DaptError('DAPT_STAGE_SPEC_INVALID', `stage spec has no location for task ${params.task.content.slice(0, 12)}`);
  const task = await loadTaskInput(location, params.task);
  const metrics: Record<string, number> = {};
  const perClassF1: Record<string, Record<string, number>> = {};
  const confusion: Record<string, { labels: string[]; matrix: number[][] }> = {};
  const lines: string[] = [];
  const maxLength = Math.min(Number(ckpt.tokenizer.config.model_max_length ?? 512), maxSequenceLength(config));
  try {
    for (const split of params.splits) {
      const examples = task[split];
      const splitLabels = scoringLabels(labels, examples);
      const encoded = encodeExamples(examples, splitLabels, ckpt.tokenizer, maxLength);
      const layout = { padId: ckpt.tokenizer.special.pad, robertaPaddingIdx: config.modelType === 'roberta' ? config.padTokenId : null };
      const { predicted, probabilities } = await predictClasses(runtime.ops, model, encoded, layout, evalBatchSize, ctx.signal);
      const scores = scoreClassification(encoded.labels, predicted, splitLabels);
      for (const m of ['accuracy', 'micro_f1', 'macro_f1'] as const) metrics[`${split}_${m}`] = scores[m];
      perClassF1[split] = scores.perClassF1;
      confusion[split] = scores.confusion;
      examples.forEach((e, i) => {
        lines.push(JSON.stringify({ split, line: e.line, label: e.label, predicted: labels[predicted[i]!], probabilities: probabilities[i] }));
      });
      ctx.reporter.progress(params.splits.indexOf(split) + 1, params.splits.length);
    }
  } finally {
    disposeModel(model);
  }
  await writeFileAtomic(join(ctx.workDir, 'predictions.jsonl'), lines.map((l) => l + '\n').join(''));
  return { metrics, details: { ...backendDetails(runtime.backend), metric: params.metric, perClassF1, confusion } };
}

async function evaluateMlmStage(ctx: StageContext, params: Extract<EvaluateParams, { target: 'mlm' }>, runtime: TrainingRuntime): Promise<StageOutcome> {
  const initial = await resolveInitialModel(params.init, { inputs: ctx.spec.inputs, parents: ctx.parents, workDir: ctx.workDir });
  const tok = initial.tokenizer;
  const source = corpusSource({ inputs: ctx.spec.inputs, parents: ctx.parents }, params.corpus);
  const data = await prepareMlmData([source], tok, {
    masking: { packing: 'packed', maxSeqLength: params.maxSeqLength },
    heldOut: params.heldOut,
    cacheDir: tokenCacheDir(ctx.spec.storeDir),
    signal: ctx.signal,
  });
  if (data.heldOut === null) throw new DaptError('DAPT_DATA_INVALID', `${source.describe} has too few documents to hold any out (fraction ${params.heldOut.fraction})`);
  const { model } = buildModel(initial.config, 'mlm', initial.weights, params.seed, initial.source);
  try {
    const layout = { padId: tok.special.pad, robertaPaddingIdx: initial.config.modelType === 'roberta' ? initial.config.padTokenId : null };
    const vocab = maskVocabulary(tok.special.mask, tok.specialMask, tok.wordStart);
    const score = await evaluateMlm(runtime.ops, model, data.heldOut, vocab, layout, params.seed, evalBatchSize, ctx.signal);
    if (ctx.signal.aborted) throw new InterruptedError();
    return {
      metrics: { mlm_loss: score.loss, perplexity: score.perplexity, masked_tokens: score.maskedTokens },
      details: { ...backendDetails(runtime.backend), model: initial.source, heldOutDocs: data.heldOutDocs, heldOutExamples: data.heldOut.count },
    };
  } finally {
    disposeModel(model);
  }
}

async function run(ctx: StageContext): Promise<StageOutcome> {
  const done = savedOutcome(ctx.workDir);
  if (done !== null) return done;
  const params = ctx.spec.params as EvaluateParams;
  // The reference row needs no model, so it starts no TF.js backend.
  if (params.target === 'reference') return saveOutcome(ctx.workDir, await evaluateReference(ctx, params));
  const runtime = await startRuntime(ctx);
  const outcome =
    params.target === 'classifier' ? await evaluateClassifier(ctx, params, runtime)
    : params.target === 'probe' ? await evaluateProbe(ctx, params, runtime)
    : await evaluateMlmStage(ctx, params, runtime);
  return saveOutcome(ctx.workDir, outcome);
}

export const runner: StageRunner = { kind: 'evaluate', run };
