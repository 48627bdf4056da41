import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FinetuneParams, PretrainParams } from '../../src/plan/types.ts';
import { runner as finetune } from '../../src/stages/finetune.ts';
import { runWorker } from './_run-worker.ts';
import { cycleDocs, stageContext, tempDir, toyFinetune, toyHeldOut, toyMasking, toyOptim, writeCorpus, writeTinyCheckpoint, writeToyTask } from './_fixtures.ts';

const corpusId = 'c'.repeat(64);
const ckptId = 'd'.repeat(64);
const taskId = 't'.repeat(64);

const outcomeOf = (out: string): Record<string, number> => JSON.parse(/outcome (.*)\n/.exec(out)![1]!) as Record<string, number>;
const curveLosses = (workDir: string) =>
  readFileSync(join(workDir, 'curves.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const { tokens_per_s: _t, ...rest } = JSON.parse(l) as Record<string, number>;
    return rest;
  });

describe('resume after kill -9', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  let ckpt: string;

  before(async () => {
    ckpt = await writeTinyCheckpoint(join(dir, 'base'));
  });

  it('a pretrain stage SIGKILLed mid-run resumes from its checkpoint and ends with the same weights and metrics', async () => {
    const files = writeCorpus(join(dir, 'data'), 'cycle', cycleDocs(60));
    const params: PretrainParams = {
      init: { from: 'checkpoint', content: ckptId },
      data: [{ kind: 'corpus', content: corpusId }],
      masking: { ...toyMasking, schedule: { kind: 'linear', from: 0.3, to: 0.1 } },
      optim: toyOptim({ budget: { maxSteps: 16 }, gradAccum: 2, batchSize: 4 }),
      heldOut: { ...toyHeldOut, everySteps: 5 },
      seed: 11,
    };
    const setup = join(dir, 'pretrain.json');
    writeFileSync(setup, JSON.stringify({ params, inputs: { [corpusId]: { kind: 'corpus', files }, [ckptId]: { kind: 'checkpoint', dir: ckpt } } }));

    const whole = join(dir, 'whole');
    const reference = outcomeOf((await runWorker('pretrain', whole, setup)).out);
    const broken = join(dir, 'broken');
    const first = await runWorker('pretrain', broken, setup, 9);
    assert.ok(first.killed, 'the worker was killed mid-run');
    assert.ok(existsSync(join(broken, 'work', 'checkpoint', 'state.json')), 'a checkpoint survived the kill');
    const resumed = await runWorker('pretrain', broken, setup);
    assert.doesNotMatch(resumed.out, /progress 1\n/, 'the second run did not start over');

    assert.deepEqual(outcomeOf(resumed.out), reference);
    assert.ok(readFileSync(join(broken, 'work/model/model.safetensors')).equals(readFileSync(join(whole, 'work/model/model.safetensors'))), 'identical weights');
    assert.deepEqual(curveLosses(join(broken, 'work')), curveLosses(join(whole, 'work')));
  });

  it('SIGTERM reaches a training loop mid-run: it checkpoints at once, stops, and the resumed run matches', async () => {
    const files = writeCorpus(join(dir, 'data-term'), 'cycle', cycleDocs(60));
    const params: PretrainParams = {
      init: { from: 'checkpoint', content: ckptId },
      data: [{ kind: 'corpus', content: corpusId }],
      masking: toyMasking,
      optim: toyOptim({ budget: { maxSteps: 40 }, batchSize: 4 }),
      heldOut: { ...toyHeldOut, everySteps: 100 },
      seed: 5,
    };
    const setup = join(dir, 'pretrain-term.json');
    writeFileSync(setup, JSON.stringify({ params, inputs: { [corpusId]: { kind: 'corpus', files }, [ckptId]: { kind: 'checkpoint', dir: ckpt } } }));
    const reference = outcomeOf((await runWorker('pretrain', join(dir, 'term-whole'), setup)).out);
    const broken = join(dir, 'term-broken');
    const first = await runWorker('pretrain', broken, setup, 6, 'SIGTERM');
    assert.match(first.out, /interrupted\n$/, 'the run stopped on SIGTERM instead of training to the end');
    const stoppedAt = Math.max(...[...first.out.matchAll(/progress (\d+)\n/g)].map((m) => Number(m[1])));
    assert.ok(stoppedAt < 40, `stopped at step ${stoppedAt} of 40`);
    assert.ok(existsSync(join(broken, 'work', 'checkpoint', 'state.json')), 'it checkpointed before stopping');
    assert.deepEqual(outcomeOf((await runWorker('pretrain', broken, setup)).out), reference);
  });

  it('a finetune stage interrupted by its abort signal checkpoints, and the resumed run matches an uninterrupted one', async () => {
    const task = writeToyTask(join(dir, 'task'));
    const inputs = { [taskId]: { kind: 'task' as const, dir: task }, [ckptId]: { kind: 'checkpoint' as const, dir: ckpt } };
    const params: FinetuneParams = {
      init: { from: 'checkpoint', content: ckptId },
      task: { content: taskId, labelled: null, dedupeTrain: false },
      metric: 'macro_f1',
      hparams: toyFinetune({ epochs: 3, degenerate: { policy: 'resample', threshold: 'chance', maxResamples: 1 } }),
      seed: 4,
    };
    const whole = stageContext(join(dir, 'ft-whole'), { kind: 'finetune', params }, inputs);
    const reference = await finetune.run(whole);

    const controller = new AbortController();
    const broken = stageContext(join(dir, 'ft-broken'), { kind: 'finetune', params }, inputs, [], controller.signal);
    const progress = broken.reporter.progress;
    broken.reporter.progress = (done, total, info) => {
      progress(done, total, info);
      if (done === 8) controller.abort();
    };
    await assert.rejects(finetune.run(broken), (e: Error & { code?: string }) => e.code === 'DAPT_INTERRUPTED');
    assert.ok(existsSync(join(broken.workDir, 'checkpoint', 'state.json')));
    const again = stageContext(join(dir, 'ft-broken'), { kind: 'finetune', params }, inputs);
    const resumed = await finetune.run(again);
    assert.deepEqual(resumed.metrics, reference.metrics);
    assert.ok(readFileSync(join(again.workDir, 'model/model.safetensors')).equals(readFileSync(join(whole.workDir, 'model/model.safetensors'))));
    assert.deepEqual(curveLosses(again.workDir), curveLosses(whole.workDir));
  });
});
