/**
 * One optimiser update: forward and backward over each micro-batch (gradient accumulation),
 * then clipping and AdamW. The MLM and fine-tuning steps differ only in their loss.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DaptError } from '../errors.ts';
import type { MlmBatch } from './data/batches.ts';
import { encodeRows, firstTokenRows, type DropoutSeeds, type EncoderInputs } from './model/encoder.ts';
import { classifierLogits, mlmLogits } from './model/heads.ts';
import type { EncoderModel } from './model/model.ts';
import type { TrainOps } from './ops/types.ts';
import { AdamW, type AdamWSettings, type StepRates } from './optim/adamw.ts';
import { hashKey, Stream } from './rng.ts';

/** A padded classification batch (row-major [batchSize, seqLen]). */
export interface ClassBatch {
  batchSize: number;
  seqLen: number;
  ids: Int32Array;
  keyMask: Float32Array;
  positionIds: Int32Array | null;
  /** Class index per row. */
  labels: Int32Array;
  tokens: number;
}

export interface StepResult {
  /** Mean of the micro-batches' losses. */
  loss: number;
  /** Global norm of the averaged gradient, before clipping. */
  gradNorm: number;
}

export interface TrainingStep<TBatch> {
  readonly model: EncoderModel;
  readonly optimizer: AdamW;
  /** One update over `microBatches`; `step` is the 0-based update index. */
  run(microBatches: readonly TBatch[], step: number, rates: StepRates): StepResult;
  dispose(): void;
}

export interface StepOptions {
  model: EncoderModel;
  ops: TrainOps;
  optim: AdamWSettings;
  /** Run seed: dropout masks are keyed by (seed, step, micro-batch, layer, site). */
  seed: number;
}

export function inputTensors(batch: { batchSize: number; seqLen: number; ids: Int32Array; keyMask: Float32Array; positionIds: Int32Array | null }): EncoderInputs {
  const shape: [number, number] = [batch.batchSize, batch.seqLen];
  return {
    ids: tf.tensor2d(batch.ids, shape, 'int32'),
    keyMask: tf.tensor2d(batch.keyMask, shape, 'float32'),
    positionIds: batch.positionIds === null ? null : tf.tensor2d(batch.positionIds, shape, 'int32'),
  };
}

export function dropoutSeeds(seed: number, step: number, micro: number): DropoutSeeds {
  return (layer, site) => hashKey(seed, Stream.dropout, step, micro, layer + 1, site);
}

/** Mean masked-LM cross-entropy of a batch. */
export function mlmLoss(ops: TrainOps, model: EncoderModel, batch: MlmBatch, seeds: DropoutSeeds): tf.Scalar {
  const rows = encodeRows(ops, model, inputTensors(batch), seeds, tf.tensor1d(batch.masked, 'int32'));
  return ops.softmaxCrossEntropy(mlmLogits(ops, model, rows), tf.tensor1d(batch.labels, 'int32'));
}

/** Mean classification cross-entropy of a batch. */
export function classificationLoss(ops: TrainOps, model: EncoderModel, batch: ClassBatch, seeds: DropoutSeeds): tf.Scalar {
  const first = encodeRows(ops, model, inputTensors(batch), seeds, firstTokenRows(batch.batchSize, batch.seqLen));
  return ops.softmaxCrossEntropy(classifierLogits(ops, model, first, seeds), tf.tensor1d(batch.labels, 'int32'));
}

function createStep<TBatch>(opts: StepOptions, loss: (batch: TBatch, seeds: DropoutSeeds) => tf.Scalar): TrainingStep<TBatch> {
  const { model, ops, seed } = opts;
  const optimizer = new AdamW(model, ops, opts.optim);
  const variables = model.specs.map((s) => model.params.get(s.name)!);
  const hfName = new Map(model.specs.map((s) => [model.params.get(s.name)!.name, s.name]));
  return {
    model,
    optimizer,
    run(microBatches, step, rates) {
      const acc = new Map<string, tf.Tensor>();
      let lossSum = 0;
      try {
        microBatches.forEach((batch, micro) => {
          const { value, grads } = tf.variableGrads(() => loss(batch, dropoutSeeds(seed, step, micro)), variables);
          const lossValue = value.dataSync()[0]!;
          value.dispose();
          for (const [varName, g] of Object.entries(grads)) {
            const name = hfName.get(varName)!;
            const prev = acc.get(name);
            if (prev === undefined) acc.set(name, g);
            else {
              acc.set(name, tf.add(prev, g));
              prev.dispose();
              g.dispose();
            }
          }
          if (!Number.isFinite(lossValue)) {
            throw new DaptError('DAPT_NON_FINITE_LOSS', `loss is ${lossValue} at step ${step + 1} (lr ${rates.lr}); lower the learning rate or enable gradient clipping`);
          }
          lossSum += lossValue;
        });
        const gradNorm = optimizer.apply(acc, microBatches.length, step + 1, rates);
        return { loss: lossSum / microBatches.length, gradNorm };
      } finally {
        for (const g of acc.values()) g.dispose();
      }
    },
    dispose() {
      optimizer.dispose();
    },
  };
}

/**
 * The real MLM training step (forward, loss at masked positions only, backward, clipping,
 * AdamW) — what pretraining runs and what `bench/train.bench.ts` times with synthetic batches.
 */
export function createMlmTrainingStep(opts: StepOptions): TrainingStep<MlmBatch> {
  return createStep<MlmBatch>(opts, (batch, seeds) => mlmLoss(opts.ops, opts.model, batch, seeds));
}

/** The real fine-tuning step (classification head, cross-entropy, clipping, AdamW). */
export function createFinetuneStep(opts: StepOptions): TrainingStep<ClassBatch> {
  return createStep<ClassBatch>(opts, (batch, seeds) => classificationLoss(opts.ops, opts.model, batch, seeds));
}
