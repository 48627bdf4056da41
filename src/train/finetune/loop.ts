/**
 * Fine-tuning loop: epochs over the labelled train set (a seeded shuffle per epoch), dev
 * evaluation after each epoch, early stopping with patience, best-on-dev weights kept, and the
 * degenerate-seed policy (a run whose best dev score is at or below the threshold is re-run
 * with a derived seed, up to maxResamples times). Checkpoints hold the current attempt's
 * weights, moments and best weights, so a resumed run ends exactly as an uninterrupted one.
 */
import type { Metric } from '../../config/types.ts';
import type { FinetuneParams } from '../../plan/types.ts';
import { InterruptedError } from '../../errors.ts';
import type { TensorMap } from '../checkpoint/safetensors.ts';
import { loadCheckpoint, saveCheckpoint } from '../checkpoint/training-state.ts';
import { CurveLog, metricValues, type CurvePoint } from '../curves.ts';
import { majorityClassScore, scoreClassification } from '../metrics.ts';
import { assignWeights, disposeModel, exportWeights, type EncoderModel } from '../model/model.ts';
import type { TrainOps } from '../ops/types.ts';
import { lrMultiplier } from '../optim/lr-schedule.ts';
import { hashKey, permutation, rngFor, Stream } from '../rng.ts';
import { createFinetuneStep, type ClassBatch } from '../step.ts';
import { assembleClassBatch, lengthGroupedOrder, type ClassExamples } from './data.ts';
import { observeDev, shouldStop } from './early-stopping.ts';
import { predictClasses } from './predict.ts';
import { yieldToEventLoop } from '../yield.ts';

export interface AttemptRecord {
  seed: number;
  bestDev: number | null;
  bestEpoch: number | null;
  epochsRun: number;
  degenerate: boolean;
}

export interface FinetuneJob {
  /** Builds the classifier for an attempt: pretrained encoder, head initialised from `seed`. */
  makeModel(seed: number): EncoderModel;
  ops: TrainOps;
  train: ClassExamples;
  dev: ClassExamples;
  /** Labels dev gold indices refer to (classifier labels first). */
  devLabels: string[];
  metric: Metric;
  hparams: FinetuneParams['hparams'];
  seed: number;
  layout: { padId: number; robertaPaddingIdx: number | null };
  checkpointDir: string;
  checkpointEverySeconds: number;
  curvesFile: string;
  signal: AbortSignal;
  onMetrics(step: number, values: Record<string, number>): void;
  onProgress(done: number, total: number, info: { loss: number; tokensPerSecond: number; attempt: number }): void;
  onAttempt(record: AttemptRecord, threshold: number | null): void;
}

export interface FinetuneResult {
  /** The final attempt's model, holding its best-on-dev weights. Caller disposes it. */
  model: EncoderModel;
  steps: number;
  tokens: number;
  attempts: AttemptRecord[];
  devHistory: number[];
  threshold: number | null;
}

interface FinetuneState {
  kind: 'finetune';
  attempt: number;
  attemptSeed: number;
  epoch: number;
  stepInEpoch: number;
  /** Steps of this attempt (drives the lr schedule). */
  attemptStep: number;
  /** Steps over all attempts (the curve's x axis). */
  steps: number;
  tokens: number;
  best: { score: number; epoch: number } | null;
  badEpochs: number;
  devHistory: number[];
  attempts: AttemptRecord[];
  recentLosses: number[];
  window: { lossSum: number; steps: number; tokens: number };
  rng: { scheme: 'counter-hash-v1'; seed: number };
}

/** Seed of attempt k: the run's own seed first, then seeds derived from it. */
export function attemptSeed(seed: number, attempt: number): number {
  return attempt === 0 ? seed : hashKey(seed, Stream.resample, attempt);
}

function freshAttempt(prev: FinetuneState | null, seed: number, attempt: number): FinetuneState {
  return {
    kind: 'finetune',
    attempt,
    attemptSeed: attemptSeed(seed, attempt),
    epoch: 0,
    stepInEpoch: 0,
    attemptStep: 0,
    steps: prev?.steps ?? 0,
    tokens: prev?.tokens ?? 0,
    best: null,
    badEpochs: 0,
    devHistory: [],
    attempts: prev?.attempts ?? [],
    recentLosses: [],
    window: { lossSum: 0, steps: 0, tokens: 0 },
    rng: { scheme: 'counter-hash-v1', seed },
  };
}

export async function runFinetuning(job: FinetuneJob): Promise<FinetuneResult> {
  const hp = job.hparams;
  const n = job.train.ids.length;
  const perStep = hp.batchSize * hp.gradAccum;
  const stepsPerEpoch = Math.ceil(n / perStep);
  const total = stepsPerEpoch * hp.epochs;
  const warmup = Math.min(total, Math.ceil(hp.warmupRatio * total));
  const devGold = job.dev.labels;
  const policy = hp.degenerate;
  const threshold = policy.policy === 'keep' ? null : policy.threshold === 'chance' ? majorityClassScore(devGold, job.devLabels, job.metric) : policy.threshold;
  const maxResamples = policy.policy === 'resample' ? policy.maxResamples : 0;
  const settings = { beta1: hp.beta1, beta2: hp.beta2, eps: hp.eps, weightDecay: hp.weightDecay, clipNorm: hp.clipNorm };

  const resumed = loadCheckpoint<FinetuneState>(job.checkpointDir, 'finetune');
  let state = resumed?.state ?? freshAttempt(null, job.seed, 0);
  let model = job.makeModel(state.attemptSeed);
  let stepper = createFinetuneStep({ model, ops: job.ops, optim: settings, seed: state.attemptSeed });
  let bestWeights: TensorMap | null = resumed?.extra.best ?? null;
  if (resumed !== null) {
    assignWeights(model, resumed.weights, job.checkpointDir);
    stepper.optimizer.importState(resumed.optimizer, job.checkpointDir);
  }
  const curves = new CurveLog(job.curvesFile, state.steps);
  const logEvery = Math.max(1, Math.min(50, Math.round(total / 50)));
  const checkpoint = async (): Promise<void> => {
    await saveCheckpoint(job.checkpointDir, {
      state,
      weights: await exportWeights(model),
      optimizer: await stepper.optimizer.exportState(),
      extra: bestWeights === null ? {} : { best: bestWeights },
    });
  };
  let lastCheckpoint = Date.now();
  let windowStart = Date.now();

  try {
    for (;;) {
      while (state.epoch < hp.epochs && !shouldStop(state, hp.patience)) {
        const shuffled = permutation(n, rngFor(state.attemptSeed, Stream.finetuneShuffle, state.epoch));
        const order = hp.groupByLength ? lengthGroupedOrder(shuffled, job.train.ids, hp.batchSize) : shuffled;
        while (state.stepInEpoch < stepsPerEpoch) {
          await yieldToEventLoop();
          if (job.signal.aborted) {
            await checkpoint();
            throw new InterruptedError();
          }
          const from = state.stepInEpoch * perStep;
          const micro: ClassBatch[] = [];
          for (let a = 0; a < hp.gradAccum; a++) {
            const idx = Array.from(order.subarray(from + a * hp.batchSize, Math.min(n, from + (a + 1) * hp.batchSize)));
            if (idx.length > 0) micro.push(assembleClassBatch(job.train, idx, job.layout.padId, job.layout.robertaPaddingIdx));
          }
          const mult = lrMultiplier(state.attemptStep, total, warmup, hp.decay);
          const rates = { lr: hp.lr * mult, headLr: (hp.headLr ?? hp.lr) * mult };
          const { loss } = stepper.run(micro, state.attemptStep, rates);
          const tokens = micro.reduce((a, b) => a + b.tokens, 0);
          state.stepInEpoch++;
          state.attemptStep++;
          state.steps++;
          state.tokens += tokens;
          state.recentLosses = [...state.recentLosses.slice(-99), loss];
          state.window = { lossSum: state.window.lossSum + loss, steps: state.window.steps + 1, tokens: state.window.tokens + tokens };
          const seconds = (Date.now() - windowStart) / 1000;
          const tokensPerSecond = seconds > 0 ? state.window.tokens / seconds : 0;
          job.onProgress(state.attemptStep, total, { loss, tokensPerSecond, attempt: state.attempt });
          const epochEnd = state.stepInEpoch === stepsPerEpoch;
          if (state.attemptStep % logEvery === 0 || epochEnd) {
            const point: CurvePoint = { step: state.steps, loss: state.window.lossSum / state.window.steps, lr: rates.lr, tokens_per_s: tokensPerSecond };
            if (epochEnd) {
              // no abort inside the dev pass: it is short, and the next step checkpoints before stopping
              const dev = await predictClasses(job.ops, model, job.dev, job.layout, hp.batchSize * 2);
              const score = scoreClassification(devGold, dev.predicted, job.devLabels)[job.metric];
              state.devHistory.push(score);
              point[`dev_${job.metric}`] = score;
              const { tracker, improved } = observeDev(state, score, state.epoch + 1);
              state.best = tracker.best;
              state.badEpochs = tracker.badEpochs;
              if (improved) bestWeights = await exportWeights(model);
              state.epoch++;
              state.stepInEpoch = 0;
            }
            curves.append(point);
            job.onMetrics(state.steps, metricValues(point));
            state.window = { lossSum: 0, steps: 0, tokens: 0 };
            windowStart = Date.now();
          }
          if (epochEnd || Date.now() - lastCheckpoint >= job.checkpointEverySeconds * 1000) {
            await checkpoint();
            lastCheckpoint = Date.now();
          }
          if (epochEnd) break;
        }
      }
      const record: AttemptRecord = {
        seed: state.attemptSeed,
        bestDev: state.best?.score ?? null,
        bestEpoch: state.best?.epoch ?? null,
        epochsRun: state.epoch,
        degenerate: threshold !== null && (state.best === null || state.best.score <= threshold),
      };
      if (!state.attempts.some((a) => a.seed === record.seed)) {
        state.attempts = [...state.attempts, record];
        job.onAttempt(record, threshold);
      }
      if (!(record.degenerate && state.attempt < maxResamples)) break;
      // resample: a fresh head and optimiser from a derived seed, same pretrained encoder
      stepper.dispose();
      disposeModel(model);
      state = freshAttempt(state, job.seed, state.attempt + 1);
      model = job.makeModel(state.attemptSeed);
      stepper = createFinetuneStep({ model, ops: job.ops, optim: settings, seed: state.attemptSeed });
      bestWeights = null;
      await checkpoint();
    }
    if (bestWeights !== null) assignWeights(model, bestWeights, 'best-on-dev weights');
    return { model, steps: state.steps, tokens: state.tokens, attempts: state.attempts, devHistory: state.devHistory, threshold };
  } finally {
    stepper.dispose();
  }
}
