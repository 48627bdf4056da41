import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { FinetuneParams } from '../../src/plan/types.ts';
import { runner } from '../../src/stages/finetune.ts';
import { loadHfCheckpoint } from '../../src/train/checkpoint/hf-dir.ts';
import { stageContext, tempDir, toyFinetune, writeTinyCheckpoint, writeToyTask } from '../train/_fixtures.ts';

const taskId = 't'.repeat(64);
const ckptId = 'd'.repeat(64);

function params(overrides: Partial<FinetuneParams> = {}): FinetuneParams {
  return {
    init: { from: 'checkpoint', content: ckptId },
    task: { content: taskId, labelled: null, dedupeTrain: false },
    metric: 'macro_f1',
    hparams: toyFinetune(),
    seed: 1,
    ...overrides,
  };
}

describe('finetune stage', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  let inputs: Parameters<typeof stageContext>[2];

  it('fine-tunes with dev evaluation each epoch and keeps the best-on-dev classifier', async () => {
    const task = writeToyTask(join(dir, 'task'));
    const ckpt = await writeTinyCheckpoint(join(dir, 'base'));
    inputs = { [taskId]: { kind: 'task', dir: task }, [ckptId]: { kind: 'checkpoint', dir: ckpt } };
    const ctx = stageContext(join(dir, 'f1'), { kind: 'finetune', params: params() }, inputs);
    const outcome = await runner.run(ctx);
    assert.deepEqual(Object.keys(outcome.metrics).sort(), ['best_dev_macro_f1', 'best_epoch', 'epochs_run', 'resamples', 'steps', 'tokens']);
    assert.equal(outcome.metrics.resamples, 0);
    assert.equal(outcome.metrics.steps, 4 * 6);
    const details = outcome.details as { devHistory: number[]; labels: string[] };
    assert.equal(details.devHistory.length, outcome.metrics.epochs_run);
    assert.equal(outcome.metrics.best_dev_macro_f1, Math.max(...details.devHistory));
    assert.equal(outcome.metrics.best_epoch, details.devHistory.indexOf(Math.max(...details.devHistory)) + 1);
    assert.deepEqual(JSON.parse(readFileSync(join(ctx.workDir, 'labels.json'), 'utf8')), ['neg', 'pos']);
    const saved = loadHfCheckpoint(join(ctx.workDir, 'model'));
    assert.deepEqual(saved.config.labels, ['neg', 'pos']);
    assert.ok(saved.weights.has('bert.pooler.dense.weight') && saved.weights.has('classifier.weight'));
    assert.equal(saved.tokenizer.config.model_max_length, 16);
    const curves = readFileSync(join(ctx.workDir, 'curves.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    assert.equal(curves.filter((c) => 'dev_macro_f1' in c).length, outcome.metrics.epochs_run);
    assert.ok(!existsSync(join(ctx.workDir, 'checkpoint')));
  });

  it('resamples a degenerate seed with a derived seed and logs each attempt', async () => {
    const hparams = toyFinetune({ epochs: 1, degenerate: { policy: 'resample', threshold: 1.01, maxResamples: 2 } });
    const ctx = stageContext(join(dir, 'f2'), { kind: 'finetune', params: params({ hparams }) }, inputs);
    const outcome = await runner.run(ctx);
    assert.equal(outcome.metrics.resamples, 2);
    const { attempts } = (outcome.details as { degenerate: { attempts: Array<{ seed: number; degenerate: boolean }> } }).degenerate;
    assert.equal(attempts.length, 3);
    assert.equal(attempts[0]!.seed, 1);
    assert.equal(new Set(attempts.map((a) => a.seed)).size, 3);
    assert.ok(attempts.every((a) => a.degenerate));
    assert.equal(ctx.reporter.lines.filter((l) => l.includes('degenerate threshold')).length, 3);
  });

  it('uses a stratified low-resource subset of train when `labelled` is set', async () => {
    const ctx = stageContext(
      join(dir, 'f3'),
      { kind: 'finetune', params: params({ task: { content: taskId, labelled: { size: 10, seed: 3 }, dedupeTrain: false }, hparams: toyFinetune({ epochs: 1 }) }) },
      inputs,
    );
    const outcome = await runner.run(ctx);
    assert.equal((outcome.details as { trainExamples: number }).trainExamples, 10);
    assert.equal(outcome.metrics.steps, 2);
  });
});
