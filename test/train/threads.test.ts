/**
 * Results do not depend on the thread count, which is not part of the stage key (another
 * DAPT_THREADS locally, another node on Slurm): the same pretraining and fine-tuning stage with 1
 * and with 2 threads gives bit-identical weights and metrics, and a stage checkpointed at 2
 * threads and resumed at 1 ends exactly as an uninterrupted run. The model is wide enough that
 * the native kernels split their work between threads (above their serial cut-off), and the
 * matrix products are cut into panels by shape (native/src/gemm.c), which both threads share.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { FinetuneParams, PretrainParams } from '../../src/plan/types.ts';
import type { BackendInfo } from '../../src/train/backend/types.ts';
import { exercised, skipOrFail } from '../_required.ts';
import { runWorker } from './_run-worker.ts';
import { cycleDocs, tempDir, tinyArchitecture, toyFinetune, toyHeldOut, toyMasking, toyOptim, writeCorpus, writeTinyCheckpoint, writeToyTask } from './_fixtures.ts';

const corpusId = 'c'.repeat(64);
const ckptId = 'd'.repeat(64);
const taskId = 't'.repeat(64);
// hidden 256 over 8×32 tokens: layer norms, GELU, AdamW and the global norm see more elements
// than the addon's serial cut-off, so with 2 threads each of them splits its work.
const wide = { ...tinyArchitecture('bert'), hidden: 256, heads: 4, intermediate: 1024 };

interface Run {
  metrics: Record<string, number>;
  weights: Buffer;
  curves: Array<Record<string, number>>;
  backend: BackendInfo;
}

async function run(kind: 'pretrain' | 'finetune', stageDir: string, setup: string, threads: number, killAt?: number): Promise<Run | null> {
  const { out } = await runWorker(kind, stageDir, setup, killAt, 'SIGKILL', { DAPT_THREADS: String(threads) });
  if (killAt !== undefined) return null;
  const work = join(stageDir, 'work');
  const curves = readFileSync(join(work, 'curves.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const { tokens_per_s: _speed, ...rest } = JSON.parse(l) as Record<string, number>;
    return rest;
  });
  return {
    metrics: JSON.parse(/outcome (.*)\n/.exec(out)![1]!) as Record<string, number>,
    weights: readFileSync(join(work, 'model', 'model.safetensors')),
    curves,
    backend: JSON.parse(/backend (.*)\n/.exec(out)![1]!) as BackendInfo,
  };
}

/** The fast path is what splits work between threads; elsewhere there is nothing to compare. */
function onFastPath(t: TestContext, r: Run, threads: number): boolean {
  if (r.backend.ops !== 'fused' || r.backend.threads !== threads) {
    skipOrFail(t, `the native kernels with OpenBLAS on ${threads} threads`, `the stage ran with ops '${r.backend.ops}' on ${r.backend.threads} threads (${r.backend.notes.join('; ')})`);
    return false;
  }
  return true;
}

function assertSame(actual: Run, expected: Run, what: string): void {
  assert.deepEqual(actual.metrics, expected.metrics, `${what}: metrics`);
  assert.deepEqual(actual.curves, expected.curves, `${what}: curves`);
  assert.ok(actual.weights.equals(expected.weights), `${what}: weights differ`);
}

describe('thread-count independence', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  let ckpt: string;
  before(async () => {
    ckpt = await writeTinyCheckpoint(join(dir, 'base'), 'bert', 'mlm', 3, wide);
  });

  it('pretraining with 1 and 2 threads: identical; checkpointed at 2 threads and resumed at 1: identical too', async (t) => {
    const files = writeCorpus(join(dir, 'data'), 'cycle', cycleDocs(80));
    const params: PretrainParams = {
      init: { from: 'checkpoint', content: ckptId },
      data: [{ kind: 'corpus', content: corpusId }],
      masking: toyMasking,
      optim: toyOptim({ budget: { maxSteps: 8 }, gradAccum: 2, batchSize: 8 }),
      heldOut: { ...toyHeldOut, everySteps: 4 },
      seed: 7,
    };
    const setup = join(dir, 'pretrain.json');
    writeFileSync(setup, JSON.stringify({ params, inputs: { [corpusId]: { kind: 'corpus', files }, [ckptId]: { kind: 'checkpoint', dir: ckpt } } }));
    const one = (await run('pretrain', join(dir, 'pt-1'), setup, 1))!;
    const two = (await run('pretrain', join(dir, 'pt-2'), setup, 2))!;
    if (!onFastPath(t, one, 1) || !onFastPath(t, two, 2)) return;
    assertSame(two, one, '2 threads vs 1');

    const moved = join(dir, 'pt-moved');
    await run('pretrain', moved, setup, 2, 4);
    assert.ok(existsSync(join(moved, 'work', 'checkpoint', 'state.json')), 'a checkpoint survived the kill');
    const resumed = (await run('pretrain', moved, setup, 1))!;
    assertSame(resumed, one, 'resumed at 1 thread vs uninterrupted');
    exercised('thread-count independence (pretraining, 1 vs 2 threads, resume across counts)');
  });

  it('fine-tuning with 1 and 2 threads: identical weights and metrics', async (t) => {
    const task = writeToyTask(join(dir, 'task'));
    const params: FinetuneParams = {
      init: { from: 'checkpoint', content: ckptId },
      task: { content: taskId, labelled: null, dedupeTrain: false },
      metric: 'macro_f1',
      hparams: toyFinetune({ epochs: 2, batchSize: 32 }),
      seed: 4,
    };
    const setup = join(dir, 'finetune.json');
    writeFileSync(setup, JSON.stringify({ params, inputs: { [taskId]: { kind: 'task', dir: task }, [ckptId]: { kind: 'checkpoint', dir: ckpt } } }));
    const one = (await run('finetune', join(dir, 'ft-1'), setup, 1))!;
    const two = (await run('finetune', join(dir, 'ft-2'), setup, 2))!;
    if (!onFastPath(t, one, 1) || !onFastPath(t, two, 2)) return;
    assertSame(two, one, '2 threads vs 1');
    exercised('thread-count independence (fine-tuning, 1 vs 2 threads)');
  });
});
