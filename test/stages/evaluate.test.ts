import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { EvaluateParams, FinetuneParams } from '../../src/plan/types.ts';
import { runner as evaluate } from '../../src/stages/evaluate.ts';
import { runner as finetune } from '../../src/stages/finetune.ts';
import { cycleDocs, stageContext, tempDir, toyFinetune, toyHeldOut, writeCorpus, writeTinyCheckpoint, writeToyTask } from '../train/_fixtures.ts';

const taskId = 't'.repeat(64);
const ckptId = 'd'.repeat(64);
const corpusId = 'c'.repeat(64);

describe('evaluate stage', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);

  it('scores a finetune stage on dev and test: <split>_<metric>, per-class F1, confusion, predictions.jsonl', async () => {
    const task = writeToyTask(join(dir, 'task'));
    const ckpt = await writeTinyCheckpoint(join(dir, 'base'));
    const inputs = { [taskId]: { kind: 'task' as const, dir: task }, [ckptId]: { kind: 'checkpoint' as const, dir: ckpt } };
    const taskInput = { content: taskId, labelled: null, dedupeTrain: false };
    const ftParams: FinetuneParams = { init: { from: 'checkpoint', content: ckptId }, task: taskInput, metric: 'accuracy', hparams: toyFinetune({ epochs: 3 }), seed: 2 };
    const ft = stageContext(join(dir, 'ft'), { kind: 'finetune', params: ftParams }, inputs);
    const ftOutcome = await finetune.run(ft);

    const params: EvaluateParams = { target: 'classifier', finetune: 'f'.repeat(24), task: taskInput, metric: 'accuracy', splits: ['dev', 'test'] };
    const ctx = stageContext(join(dir, 'ev'), { kind: 'evaluate', params }, inputs, [{ key: 'f'.repeat(24), kind: 'finetune', dir: ft.workDir }]);
    const outcome = await evaluate.run(ctx);
    const names = ['dev', 'test'].flatMap((s) => ['accuracy', 'micro_f1', 'macro_f1'].map((m) => `${s}_${m}`)).sort();
    assert.deepEqual(Object.keys(outcome.metrics).sort(), names);
    // the evaluate stage sees the weights that were best on dev
    assert.equal(outcome.metrics.dev_accuracy, ftOutcome.metrics.best_dev_accuracy);
    const details = outcome.details as { perClassF1: Record<string, Record<string, number>>; confusion: Record<string, { labels: string[]; matrix: number[][] }> };
    assert.deepEqual(Object.keys(details.perClassF1.test!).sort(), ['neg', 'pos']);
    assert.deepEqual(details.confusion.test!.labels, ['neg', 'pos']);
    assert.equal(details.confusion.test!.matrix.flat().reduce((a, b) => a + b, 0), 16);
    const predictions = readFileSync(join(ctx.workDir, 'predictions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { split: string; predicted: string });
    assert.equal(predictions.length, 32);
    assert.ok(predictions.every((p) => p.predicted === 'neg' || p.predicted === 'pos'));
  });

  it('measures held-out MLM loss and perplexity of a model on a corpus', async () => {
    const files = writeCorpus(join(dir, 'data'), 'cycle', cycleDocs(60));
    const ckpt = join(dir, 'base');
    const params: EvaluateParams = { target: 'mlm', init: { from: 'checkpoint', content: ckptId }, corpus: corpusId, heldOut: toyHeldOut, maxSeqLength: 32, seed: 1 };
    const ctx = stageContext(join(dir, 'mlm'), { kind: 'evaluate', params }, { [corpusId]: { kind: 'corpus', files }, [ckptId]: { kind: 'checkpoint', dir: ckpt } });
    const outcome = await evaluate.run(ctx);
    assert.deepEqual(Object.keys(outcome.metrics).sort(), ['masked_tokens', 'mlm_loss', 'perplexity']);
    assert.ok(outcome.metrics.masked_tokens! > 0);
    assert.ok(Math.abs(outcome.metrics.perplexity! - Math.exp(outcome.metrics.mlm_loss!)) < 1e-6 * outcome.metrics.perplexity!);
  });

  /** A task whose label is carried by one planted word among filler words. */
  function writePlantedTask(taskDir: string): string {
    mkdirSync(taskDir, { recursive: true });
    const filler = ['the', 'model', 'data', 'results', 'we', 'show', 'that', 'method', 'work', 'paper', 'task', 'text'];
    let n = 0;
    for (const [split, size] of [['train', 60], ['dev', 20], ['test', 30]] as const) {
      const lines = Array.from({ length: size }, () => {
        const label = n % 3 === 0 ? 'uses' : n % 3 === 1 ? 'extends' : 'background';
        const signal = { uses: 'employ', extends: 'build', background: 'prior' }[label];
        const words = Array.from({ length: 8 }, (_, j) => filler[(n * 5 + j * 7) % filler.length]!);
        words.splice(n % 8, 0, signal);
        n++;
        return JSON.stringify({ text: words.join(' '), label });
      });
      writeFileSync(join(taskDir, `${split}.jsonl`), lines.join('\n') + '\n');
    }
    return taskDir;
  }

  it('reference: TF-IDF + logistic regression finds a planted word, C picked on dev, no model needed', async () => {
    const task = writePlantedTask(join(dir, 'planted'));
    const params: EvaluateParams = {
      target: 'reference',
      task: { content: taskId, labelled: null, dedupeTrain: false },
      metric: 'macro_f1',
      features: { ngramMax: 2, maxFeatures: 1000 },
      classifier: { cGrid: [0.01, 1, 100], classWeight: 'balanced', maxIterations: 300, gradTolerance: 1e-6 },
    };
    const run = () => evaluate.run(stageContext(join(dir, `ref-${Math.random()}`), { kind: 'evaluate', params }, { [taskId]: { kind: 'task', dir: task } }));
    const outcome = await run();
    assert.equal(outcome.metrics.test_macro_f1, 1);
    assert.equal(outcome.metrics.dev_accuracy, 1);
    assert.ok([0.01, 1, 100].includes(outcome.metrics.c!));
    const details = outcome.details as { grid: Array<{ c: number; dev: number }> };
    assert.deepEqual(details.grid.map((g) => g.c), [0.01, 1, 100]);
    // Deterministic: a second run gives the same numbers.
    assert.deepEqual((await run()).metrics, outcome.metrics);
  });

  it('probe: frozen [CLS] and mean-pooled features of a pretrained model, each with its own C', async () => {
    const task = writeToyTask(join(dir, 'probe-task'));
    const ckpt = join(dir, 'base');
    const params: EvaluateParams = {
      target: 'probe',
      init: { from: 'checkpoint', content: ckptId },
      task: { content: taskId, labelled: null, dedupeTrain: false },
      metric: 'accuracy',
      maxSeqLength: 32,
      classifier: { cGrid: [0.1, 10], classWeight: 'balanced', maxIterations: 200, gradTolerance: 1e-6 },
    };
    const inputs = { [taskId]: { kind: 'task' as const, dir: task }, [ckptId]: { kind: 'checkpoint' as const, dir: ckpt } };
    const outcome = await evaluate.run(stageContext(join(dir, 'probe'), { kind: 'evaluate', params }, inputs));
    const names = ['mean', 'cls'].flatMap((p) => [`${p}_c`, ...['dev', 'test'].flatMap((s) => ['accuracy', 'micro_f1', 'macro_f1'].map((m) => `${p}_${s}_${m}`))]).sort();
    assert.deepEqual(Object.keys(outcome.metrics).sort(), names);
    for (const [k, v] of Object.entries(outcome.metrics)) if (!k.endsWith('_c')) assert.ok(v >= 0 && v <= 1, k);
    // The toy labels follow the words, which the frozen features carry: better than chance.
    assert.ok(outcome.metrics.mean_test_accuracy! > 0.6, `mean-pooled probe test accuracy ${outcome.metrics.mean_test_accuracy}`);
  });
});
