/**
 * The masked-LM training loop: schedules, masking, accumulation, held-out evaluation, curves,
 * periodic atomic checkpoints and exact resume. Everything random is keyed by (seed, step…),
 * so the loop's whole state is the weights, the AdamW moments and the small PretrainState.
 */
import type { MaskingSpec, OptimSpec } from '../../config/types.ts';
import { InterruptedError } from '../../errors.ts';
import { loadCheckpoint, saveCheckpoint } from '../checkpoint/training-state.ts';
import { assembleMlmBatch, ExampleOrder, microBatchItems, type BatchLayout } from '../data/batches.ts';
import type { MlmExamples } from '../data/examples.ts';
import { maskProbability } from '../data/mask-schedule.ts';
import type { MaskVocabulary } from '../data/masking.ts';
import { assignWeights, exportWeights, type EncoderModel } from '../model/model.ts';
import type { TrainOps } from '../ops/types.ts';
import { lrMultiplier, warmupSteps } from '../optim/lr-schedule.ts';
import { createMlmTrainingStep } from '../step.ts';
import { CurveLog, metricValues, type CurvePoint } from '../curves.ts';
import { evaluateMlm, type MlmScore } from './evaluate.ts';
import { yieldToEventLoop } from '../yield.ts';

export interface PretrainJob {
  model: EncoderModel;
  ops: TrainOps;
  train: MlmExamples;
  heldOut: MlmExamples | null;
  vocab: MaskVocabulary;
  layout: BatchLayout;
  masking: MaskingSpec;
  optim: OptimSpec;
  heldOutEverySteps: number;
  seed: number;
  checkpointDir: string;
  checkpointEverySeconds: number;
  curvesFile: string;
  signal: AbortSignal;
  /** Step metrics (loss, lr, mask_prob, tokens_per_s, heldout_loss, heldout_perplexity: the names of the final values too). */
  onMetrics(step: number, values: Record<string, number>): void;
  onProgress(done: number, total: number, info: { loss: number; tokensPerSecond: number; maskProb: number }): void;
}

export interface PretrainResult {
  steps: number;
  tokens: number;
  /** Mean training loss over the last (up to) 100 steps. */
  finalLoss: number;
  heldOut: MlmScore | null;
  resumedFromStep: number | null;
}

interface PretrainState {
  kind: 'pretrain';
  /** Completed optimiser steps; also the next step's 0-based index. */
  step: number;
  totalSteps: number;
  /** Data position: examples consumed from the shuffled stream. */
  examplesConsumed: number;
  tokens: number;
  recentLosses: number[];
  window: { lossSum: number; steps: number; tokens: number };
  heldOut: MlmScore | null;
  /** Every draw is hash(seed, stream, step, …): this is the whole RNG state. */
  rng: { scheme: 'counter-hash-v1'; seed: number };
}

export function totalSteps(optim: OptimSpec, examples: number): number {
  if ('maxSteps' in optim.budget) return optim.budget.maxSteps;
  return Math.max(1, Math.ceil((optim.budget.epochs * examples) / (optim.batchSize * optim.gradAccum)));
}

export async function runPretraining(job: PretrainJob): Promise<PretrainResult> {
  const { optim, masking } = job;
  const total = totalSteps(optim, job.train.count);
  const warmup = warmupSteps(optim.warmup, total);
  const stepper = createMlmTrainingStep({
    model: job.model,
    ops: job.ops,
    optim: { beta1: optim.beta1, beta2: optim.beta2, eps: optim.eps, weightDecay: optim.weightDecay, clipNorm: optim.clipNorm },
    seed: job.seed,
  });
  try {
    let state: PretrainState = {
      kind: 'pretrain',
      step: 0,
      totalSteps: total,
      examplesConsumed: 0,
      tokens: 0,
      recentLosses: [],
      window: { lossSum: 0, steps: 0, tokens: 0 },
      heldOut: null,
      rng: { scheme: 'counter-hash-v1', seed: job.seed },
    };
    const resumed = loadCheckpoint<PretrainState>(job.checkpointDir, 'pretrain');
    if (resumed !== null) {
      assignWeights(job.model, resumed.weights, job.checkpointDir);
      stepper.optimizer.importState(resumed.optimizer, job.checkpointDir);
      state = resumed.state;
    }
    const curves = new CurveLog(job.curvesFile, state.step);
    const order = new ExampleOrder(job.train.count, job.seed);
    const logEvery = Math.max(1, Math.min(50, Math.round(total / 100)));
    const evalBatch = optim.batchSize;
    const checkpoint = async (): Promise<void> => {
      await saveCheckpoint(job.checkpointDir, { state, weights: await exportWeights(job.model), optimizer: await stepper.optimizer.exportState(), extra: {} });
    };
    let lastCheckpoint = Date.now();
    let windowStart = Date.now();
    const resumedFromStep = resumed === null ? null : state.step;

    while (state.step < total) {
      await yieldToEventLoop();
      if (job.signal.aborted) {
        await checkpoint();
        throw new InterruptedError();
      }
      const s = state.step;
      const p = maskProbability(masking.schedule, s, total);
      const settings = { p, replace: masking.replace, wholeWord: masking.wholeWord };
      const micro = [];
      let tokens = 0;
      for (let a = 0; a < optim.gradAccum; a++) {
        const items = microBatchItems(order, s, a, optim.batchSize, optim.gradAccum, job.seed, masking.remaskEachEpoch);
        const batch = assembleMlmBatch(job.train, items, settings, job.vocab, job.layout);
        tokens += batch.tokens;
        micro.push(batch);
      }
      const mult = lrMultiplier(s, total, warmup, optim.decay);
      const rates = { lr: optim.lr * mult, headLr: (optim.headLr ?? optim.lr) * mult };
      const { loss } = stepper.run(micro, s, rates);

      state.step = s + 1;
      state.examplesConsumed += optim.batchSize * optim.gradAccum;
      state.tokens += tokens;
      state.recentLosses = [...state.recentLosses.slice(-99), loss];
      state.window = { lossSum: state.window.lossSum + loss, steps: state.window.steps + 1, tokens: state.window.tokens + tokens };
      const seconds = (Date.now() - windowStart) / 1000;
      const tokensPerSecond = seconds > 0 ? state.window.tokens / seconds : 0;
      job.onProgress(state.step, total, { loss, tokensPerSecond, maskProb: p });

      const evalNow = job.heldOut !== null && (state.step % job.heldOutEverySteps === 0 || state.step === total);
      if (evalNow) state.heldOut = await evaluateMlm(job.ops, job.model, job.heldOut!, job.vocab, job.layout, job.seed, evalBatch);
      if (state.step % logEvery === 0 || state.step === total || evalNow) {
        const point: CurvePoint = {
          step: state.step,
          loss: state.window.lossSum / state.window.steps,
          lr: rates.lr,
          mask_prob: p,
          tokens_per_s: tokensPerSecond,
        };
        if (evalNow) Object.assign(point, { heldout_loss: state.heldOut!.loss, heldout_perplexity: state.heldOut!.perplexity });
        curves.append(point);
        job.onMetrics(state.step, metricValues(point));
        state.window = { lossSum: 0, steps: 0, tokens: 0 };
        windowStart = Date.now();
      }
      if (Date.now() - lastCheckpoint >= job.checkpointEverySeconds * 1000 && state.step < total) {
        await checkpoint();
        lastCheckpoint = Date.now();
      }
    }
    if (resumed === null || resumedFromStep !== total) await checkpoint();
    const recent = state.recentLosses;
    return {
      steps: state.step,
      tokens: state.tokens,
      finalLoss: recent.reduce((a, b) => a + b, 0) / Math.max(1, recent.length),
      heldOut: state.heldOut,
      resumedFromStep,
    };
  } finally {
    stepper.dispose();
  }
}
