import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { PretrainParams } from '../../src/plan/types.ts';
import { runner } from '../../src/stages/pretrain.ts';
import { loadHfCheckpoint } from '../../src/train/checkpoint/hf-dir.ts';
import { readSafetensors, writeSafetensors } from '../../src/train/checkpoint/safetensors.ts';
import { cycleDocs, stageContext, tempDir, tinyArchitecture, toyHeldOut, toyMasking, toyOptim, writeCorpus, writeTinyCheckpoint } from '../train/_fixtures.ts';

const corpusId = 'c'.repeat(64);
const ckptId = 'd'.repeat(64);

function params(overrides: Partial<PretrainParams> = {}): PretrainParams {
  return {
    init: { from: 'checkpoint', content: ckptId },
    data: [{ kind: 'corpus', content: corpusId }],
    masking: toyMasking,
    optim: toyOptim(),
    heldOut: toyHeldOut,
    seed: 7,
    ...overrides,
  };
}

function curve(workDir: string): Array<Record<string, number>> {
  return readFileSync(join(workDir, 'curves.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
}

describe('pretrain stage', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  let inputs: Parameters<typeof stageContext>[2];

  it('continues MLM training of a checkpoint: loss falls on a learnable corpus, outputs and metric names follow the contract', async () => {
    const files = writeCorpus(join(dir, 'data'), 'cycle', cycleDocs(120));
    const ckpt = await writeTinyCheckpoint(join(dir, 'base'));
    inputs = { [corpusId]: { kind: 'corpus', files }, [ckptId]: { kind: 'checkpoint', dir: ckpt } };
    const ctx = stageContext(join(dir, 's1'), { kind: 'pretrain', params: params({ optim: toyOptim({ budget: { maxSteps: 60 } }) }) }, inputs);
    const outcome = await runner.run(ctx);

    assert.deepEqual(Object.keys(outcome.metrics).sort(), ['final_loss', 'heldout_loss', 'heldout_perplexity', 'steps', 'tokens']);
    assert.equal(outcome.metrics.steps, 60);
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json']) assert.ok(existsSync(join(ctx.workDir, 'model', f)), f);
    assert.ok(!existsSync(join(ctx.workDir, 'checkpoint')), 'the checkpoint is dropped once the model is saved');
    assert.equal(ctx.reporter.tagValues['dapt.backend'], 'wasm');
    assert.equal((outcome.details as { backend: string }).backend, 'wasm');

    const points = curve(ctx.workDir);
    for (const p of points) for (const k of ['step', 'loss', 'lr', 'mask_prob', 'tokens_per_s']) assert.equal(typeof p[k], 'number', k);
    const evals = points.filter((p) => 'heldout_loss' in p);
    assert.deepEqual(evals.map((p) => p.step), [10, 20, 30, 40, 50, 60]);
    assert.ok(evals.every((p) => Math.abs(p.heldout_perplexity! - Math.exp(p.heldout_loss!)) < 1e-6 * p.heldout_perplexity!));
    assert.ok(ctx.reporter.metricLog.some((m) => 'heldout_loss' in m.values && 'mask_prob' in m.values));
    // the cycle makes every masked word predictable from its neighbours
    const first = points[0]!.loss!;
    assert.ok(outcome.metrics.final_loss! < first - 1, `training loss ${first} → ${outcome.metrics.final_loss}`);
    assert.ok(evals[evals.length - 1]!.heldout_loss! < evals[0]!.heldout_loss! - 0.5, 'held-out loss falls');
    assert.equal(outcome.metrics.heldout_loss, evals[evals.length - 1]!.heldout_loss);

    const saved = loadHfCheckpoint(join(ctx.workDir, 'model'));
    assert.equal(saved.config.modelType, 'bert');
    assert.ok(saved.weights.has('cls.predictions.bias'));

    const again = await runner.run(ctx);
    assert.deepEqual(again, outcome, 'a finished stage returns its recorded outcome');
  });

  it('trains a RoBERTa model from scratch with its own byte-level BPE tokenizer', async () => {
    const scratch: PretrainParams['init'] = {
      from: 'scratch',
      architecture: tinyArchitecture('roberta'),
      tokenizer: { kind: 'bpe', vocabSize: 300, lowercase: false, minFrequency: 0, corpus: corpusId },
    };
    const ctx = stageContext(join(dir, 's2'), { kind: 'pretrain', params: params({ init: scratch, optim: toyOptim({ budget: { maxSteps: 4 } }) }) }, inputs);
    const outcome = await runner.run(ctx);
    assert.equal(outcome.metrics.steps, 4);
    const saved = loadHfCheckpoint(join(ctx.workDir, 'model'));
    assert.equal(saved.config.modelType, 'roberta');
    assert.equal(saved.tokenizer.special.cls, 0);
    assert.ok(saved.weights.has('lm_head.bias') && saved.weights.has('roberta.embeddings.word_embeddings.weight'));
    assert.ok(saved.tokenizer.vocabSize <= 300);
  });

  it('fails with DAPT_NON_FINITE_LOSS naming the step and lr, and keeps the last good checkpoint', async () => {
    const bad = join(dir, 'bad-base');
    await writeTinyCheckpoint(bad);
    const weights = readSafetensors(join(bad, 'model.safetensors')).tensors;
    weights.get('cls.predictions.bias')!.data.fill(Number.NaN);
    writeSafetensors(join(bad, 'model.safetensors'), weights);
    const ctx = stageContext(join(dir, 's3'), { kind: 'pretrain', params: params() }, { ...inputs, [ckptId]: { kind: 'checkpoint', dir: bad } });
    await assert.rejects(runner.run(ctx), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'DAPT_NON_FINITE_LOSS');
      assert.match(e.message, /step 1 \(lr [0-9.e-]+\)/);
      return true;
    });
    assert.ok(!existsSync(join(ctx.workDir, 'model')));
  });
});
