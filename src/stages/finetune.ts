/**
 * The finetune stage: one seed of classification fine-tuning on a task's labelled train data
 * (after dedupe_train and the low-resource split), model selection on dev. Outputs
 * work/model/ (best-on-dev weights, HF sequence-classification layout), work/labels.json and
 * work/curves.jsonl.
 */
import writeFileAtomic from 'write-file-atomic';
import { loadTaskInput } from '../data/task-input.ts';
import { DaptError, DataError } from '../errors.ts';
import type { FinetuneParams } from '../plan/types.ts';
import { saveHfCheckpoint } from '../train/checkpoint/hf-dir.ts';
import { encodeExamples, labelsOf, scoringLabels } from '../train/finetune/data.ts';
import { runFinetuning } from '../train/finetune/loop.ts';
import { resolveInitialModel } from '../train/init-model.ts';
import { maxSequenceLength } from '../train/model/config.ts';
import { buildModel, disposeModel } from '../train/model/model.ts';
import { createProgressView, type ProgressView } from '../train/progress.ts';
import { backendDetails, loopPlumbing, savedOutcome, saveOutcome, startRuntime } from '../train/stage-support.ts';
import type { StageContext, StageOutcome, StageRunner } from './types.ts';
import { workOutputs } from '../store/layout.ts';

async function run(ctx: StageContext): Promise<StageOutcome> {
  const done = savedOutcome(ctx.workDir);
  if (done !== null) return done;
  const params = ctx.spec.params as FinetuneParams;
  const hp = params.hparams;
  if (params.init.from === 'scratch') {
    throw new DaptError('DAPT_STAGE_SPEC_INVALID', 'a finetune stage starts from a pretrained model (a checkpoint or a pretrain stage), not from scratch');
  }
  const { backend, ops } = await startRuntime(ctx);
  const location = ctx.spec.inputs[params.task.content];
  if (location === undefined) throw new DaptError('DAPT_STAGE_SPEC_INVALID', `stage spec has no location for task ${params.task.content.slice(0, 12)}`);
  const task = await loadTaskInput(location, params.task);
  if (task.dev.length === 0) throw new DataError('the task has no dev examples; fine-tuning selects its model on dev');
  const base = await resolveInitialModel(params.init, { inputs: ctx.spec.inputs, parents: ctx.parents, workDir: ctx.workDir });
  if (hp.maxSeqLength > maxSequenceLength(base.config)) {
    throw new DataError(`maxSeqLength ${hp.maxSeqLength} exceeds what the model's position embeddings allow (${maxSequenceLength(base.config)})`);
  }
  const labels = labelsOf(task.labelled);
  const devLabels = scoringLabels(labels, task.dev);
  const config = { ...base.config, labels, classifierDropout: hp.dropout };
  const tok = base.tokenizer;
  const train = encodeExamples(task.labelled, labels, tok, hp.maxSeqLength);
  const dev = encodeExamples(task.dev, devLabels, tok, hp.maxSeqLength);
  ctx.reporter.log(`finetune: ${train.ids.length} train / ${dev.ids.length} dev examples, labels ${labels.join(', ')}`);
  const initialised = new Set<string>();
  const live: { view: ProgressView | null; attempt: number } = { view: null, attempt: -1 };
  const result = await runFinetuning({
    makeModel: (seed) => {
      const built = buildModel(config, 'classifier', base.weights, seed, base.source);
      built.report.initialised.forEach((n) => initialised.add(n));
      return built.model;
    },
    ops,
    train,
    dev,
    devLabels,
    metric: params.metric,
    hparams: hp,
    seed: params.seed,
    layout: { padId: tok.special.pad, robertaPaddingIdx: config.modelType === 'roberta' ? config.padTokenId : null },
    ...loopPlumbing(ctx),
    onProgress: (doneSteps, total, info) => {
      if (live.attempt !== info.attempt) {
        live.view?.stop();
        live.view = createProgressView({ stream: process.stderr, label: info.attempt === 0 ? 'finetune' : `finetune (resample ${info.attempt})`, total, start: doneSteps - 1 });
        live.attempt = info.attempt;
      }
      live.view!.update(doneSteps, { loss: info.loss, tokensPerSecond: info.tokensPerSecond });
      ctx.reporter.progress(doneSteps, total, { loss: info.loss, tokens_per_s: Math.round(info.tokensPerSecond), attempt: info.attempt });
    },
    onAttempt: (record, threshold) => {
      if (record.degenerate) {
        ctx.reporter.log(`seed ${record.seed}: best dev ${params.metric} ${record.bestDev ?? 'none'} is at or below the degenerate threshold ${threshold}`);
      }
    },
  });
  live.view?.stop();
  try {
    await saveHfCheckpoint(workOutputs(ctx.workDir).model, result.model, tok, hp.maxSeqLength);
    await writeFileAtomic(workOutputs(ctx.workDir).labels, JSON.stringify(labels) + '\n');
  } finally {
    disposeModel(result.model);
  }
  const final = result.attempts[result.attempts.length - 1]!;
  const metrics: Record<string, number> = {
    steps: result.steps,
    tokens: result.tokens,
    epochs_run: final.epochsRun,
    best_epoch: final.bestEpoch ?? 0,
    [`best_dev_${params.metric}`]: final.bestDev ?? 0,
    resamples: result.attempts.length - 1,
  };
  const dropped = hp.degenerate.policy === 'drop' && final.degenerate;
  if (dropped) metrics.degenerate = 1;
  return saveOutcome(ctx.workDir, {
    metrics,
    details: {
      ...backendDetails(backend),
      init: base.source,
      labels,
      trainExamples: train.ids.length,
      devExamples: dev.ids.length,
      droppedByDedupe: task.droppedByDedupe.length,
      initialisedTensors: [...initialised].sort(),
      devHistory: result.devHistory,
      degenerate: { policy: hp.degenerate.policy, threshold: result.threshold, attempts: result.attempts, dropped },
      seedUsed: final.seed,
    },
  });
}

export const runner: StageRunner = { kind: 'finetune', run };
