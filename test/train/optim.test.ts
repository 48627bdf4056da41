import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/train/backend/index.ts';
import { buildModel, disposeModel, type EncoderModel } from '../../src/train/model/model.ts';
import { getTrainOps } from '../../src/train/ops/index.ts';
import type { TrainOps } from '../../src/train/ops/types.ts';
import { AdamW } from '../../src/train/optim/adamw.ts';
import { createFinetuneStep, type ClassBatch } from '../../src/train/step.ts';
import { syntheticClassBatch } from '../../src/train/synthetic.ts';
import { tinyConfig } from './_fixtures.ts';

let ops: TrainOps;
before(async () => {
  await initBackend('wasm');
  ops = getTrainOps();
});

const values = (model: EncoderModel, name: string) => model.params.get(name)!.dataSync() as Float32Array;

describe('AdamW', () => {
  it('decays weights but not biases or LayerNorm weights, with the head at its own rate', () => {
    const { model } = buildModel(tinyConfig('bert', ['a', 'b']), 'classifier', null, 1);
    const before = new Map(model.specs.map((s) => [s.name, values(model, s.name).slice()]));
    const opt = new AdamW(model, ops, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, clipNorm: null });
    const zeros = new Map(model.specs.map((s) => [s.name, tf.zeros(s.shape)]));
    opt.apply(zeros, 1, 1, { lr: 0.1, headLr: 0.5 });
    const ratio = (name: string) => values(model, name)[3]! / before.get(name)![3]!;
    assert.ok(Math.abs(ratio('bert.encoder.layer.0.intermediate.dense.weight') - (1 - 0.1 * 0.1)) < 1e-6);
    assert.ok(Math.abs(ratio('classifier.weight') - (1 - 0.5 * 0.1)) < 1e-6);
    assert.deepEqual(values(model, 'bert.embeddings.LayerNorm.weight'), before.get('bert.embeddings.LayerNorm.weight'));
    const biasName = 'bert.encoder.layer.0.output.LayerNorm.bias';
    assert.deepEqual(values(model, biasName), before.get(biasName));
    zeros.forEach((t) => t.dispose());
    opt.dispose();
    disposeModel(model);
  });

  it('clips the global gradient norm and reports it before clipping', async () => {
    const { model } = buildModel(tinyConfig('bert', ['a', 'b']), 'classifier', null, 1);
    const opt = new AdamW(model, ops, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, clipNorm: 1 });
    // one gradient of norm 10 (summed over 2 micro-batches: the mean has norm 5)
    const g = new Map([['classifier.bias', tf.tensor1d([6, 8])]]);
    const norm = opt.apply(g, 2, 1, { lr: 0.01, headLr: 0.01 });
    assert.ok(Math.abs(norm - 5) < 1e-5);
    const m = (await opt.exportState()).get('classifier.bias.exp_avg')!.data;
    // m = (1 - β1) · g / 2 · (1 / 5): the clipped mean gradient (0.6, 0.8)
    assert.ok(Math.abs(m[0]! - 0.1 * 0.6) < 1e-6 && Math.abs(m[1]! - 0.1 * 0.8) < 1e-6, `${m[0]}, ${m[1]}`);
    g.get('classifier.bias')!.dispose();
    opt.dispose();
    disposeModel(model);
  });
});

describe('gradient accumulation', () => {
  it('two micro-batches of 4 update the model as one batch of 8 (dropout off)', () => {
    const cfg = { ...tinyConfig('bert', ['a', 'b', 'c']), hiddenDropout: 0, attentionDropout: 0, classifierDropout: 0 };
    const whole = syntheticClassBatch(cfg, 8, 10, 3, { seed: 5 });
    const half = (from: number): ClassBatch => ({
      ...whole,
      batchSize: 4,
      ids: whole.ids.slice(from * 10, (from + 4) * 10),
      keyMask: whole.keyMask.slice(from * 10, (from + 4) * 10),
      labels: whole.labels.slice(from, from + 4),
      tokens: 40,
    });
    const settings = { beta1: 0.9, beta2: 0.999, eps: 1e-6, weightDecay: 0.01, clipNorm: 0.5 };
    const a = buildModel(cfg, 'classifier', null, 2).model;
    const b = buildModel(cfg, 'classifier', null, 2).model;
    const stepA = createFinetuneStep({ model: a, ops, optim: settings, seed: 1 });
    const stepB = createFinetuneStep({ model: b, ops, optim: settings, seed: 1 });
    const ra = stepA.run([whole], 0, { lr: 1e-3, headLr: 1e-3 });
    const rb = stepB.run([half(0), half(4)], 0, { lr: 1e-3, headLr: 1e-3 });
    assert.ok(Math.abs(ra.loss - rb.loss) < 1e-5 && Math.abs(ra.gradNorm - rb.gradNorm) < 1e-4 * ra.gradNorm);
    for (const spec of a.specs) {
      const x = values(a, spec.name);
      const y = values(b, spec.name);
      for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i]! - y[i]!) < 2e-6, `${spec.name}[${i}]`);
    }
    stepA.dispose();
    stepB.dispose();
    disposeModel(a);
    disposeModel(b);
  });
});
