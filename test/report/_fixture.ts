/**
 * A hand-built plan and a fake run store (stage directories with known metrics) for the report
 * tests. Two arms (`roberta` baseline, `dapt`) × two tasks (`chemprot` micro-F1, `acl` macro-F1)
 * × seeds 1, 2, 3, one DAPT pretraining stage and two MLM evaluations. Scores are chosen so the
 * statistics can be computed by hand (see report.test.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HeldOutSpec, MaskingSpec, OptimSpec } from '../../src/config/types.ts';
import type { AggregateParams, FinetuneHparams, MlmCell, ProbeCell, ReferenceCell, ModelInit, Plan, ResultCell, Stage, StageKey, TaskInput } from '../../src/plan/types.ts';
import { runner } from '../../src/stages/aggregate.ts';
import type { StageContext, StageReporter, StageSpec } from '../../src/stages/types.ts';
import type { StageMetricsFile } from '../../src/store/metrics-file.ts';

const masking: MaskingSpec = {
  schedule: { kind: 'constant', p: 0.15 },
  replace: { mask: 0.8, random: 0.1, keep: 0.1 },
  wholeWord: false,
  remaskEachEpoch: true,
  maxSeqLength: 64,
  packing: 'packed',
};
const optim: OptimSpec = {
  lr: 1e-4, headLr: null, beta1: 0.9, beta2: 0.98, eps: 1e-6, weightDecay: 0.01,
  warmup: { ratio: 0.06 }, decay: 'linear', batchSize: 8, gradAccum: 1, budget: { maxSteps: 100 }, clipNorm: 1,
};
const heldOut: HeldOutSpec = { fraction: 0.05, maxDocs: 100, everySteps: 50 };
const hparams: FinetuneHparams = {
  lr: 2e-5, headLr: null, weightDecay: 0.1, beta1: 0.9, beta2: 0.98, eps: 1e-6, warmupRatio: 0.06, decay: 'linear',
  epochs: 3, batchSize: 8, gradAccum: 1, patience: 3, dropout: 0.1, maxSeqLength: 64, clipNorm: 1,
  degenerate: { policy: 'resample', threshold: 'chance', maxResamples: 2 },
};
const base: ModelInit = { from: 'checkpoint', content: 'ckpt-content' };
const taskInput = (t: string): TaskInput => ({ content: `task-${t}`, labelled: null, dedupeTrain: false });

export const ARMS = ['roberta', 'dapt'] as const;
export const TASKS = { chemprot: 'micro_f1', acl: 'macro_f1' } as const;
export const SEEDS = [1, 2, 3] as const;

/** [dev, test] per arm/task/seed. */
export const SCORES: Record<string, Record<string, Record<number, [number, number]>>> = {
  roberta: {
    chemprot: { 1: [0.8, 0.78], 2: [0.82, 0.81], 3: [0.81, 0.8] },
    acl: { 1: [0.61, 0.6], 2: [0.65, 0.64], 3: [0.63, 0.62] },
  },
  dapt: {
    chemprot: { 1: [0.83, 0.8], 2: [0.84, 0.82], 3: [0.86, 0.85] },
    acl: { 1: [0.67, 0.66], 2: [0.69, 0.69], 3: [0.71, 0.72] },
  },
};

export const ftKey = (arm: string, task: string, seed: number) => `ft-${arm}-${task}-${seed}`;
export const evKey = (arm: string, task: string, seed: number) => `ev-${arm}-${task}-${seed}`;
export const runId = (key: StageKey) => `run-${key}`;
export const PRETRAIN = 'pt-dapt';
export const AGGREGATE = 'agg-demo';

function writeStage(storeDir: string, key: StageKey, file: Omit<StageMetricsFile, 'key' | 'startedAt' | 'finishedAt'>, curves?: object[], done = true): void {
  const dir = join(storeDir, 'stages', key);
  mkdirSync(join(dir, 'work'), { recursive: true });
  writeFileSync(join(dir, 'spec.json'), JSON.stringify({ key, tracking: { uri: 'file:///fake/mlruns', experimentId: '1', runId: runId(key), outbox: '/x' } }));
  if (curves) writeFileSync(join(dir, 'work', 'curves.jsonl'), curves.map((c) => JSON.stringify(c)).join('\n') + '\n');
  if (!done) return;
  const metrics: StageMetricsFile = { key, startedAt: '2024-01-01T00:00:00Z', finishedAt: '2024-01-01T00:01:00Z', ...file };
  writeFileSync(join(dir, 'metrics.json'), JSON.stringify(metrics));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ formatVersion: 1, key, kind: file.kind, producedBy: { runId: runId(key), experimentId: '1', uri: 'file:///fake/mlruns' }, files: [] }));
}

export interface Fixture {
  plan: Plan;
  storeDir: string;
  params: AggregateParams;
  cleanup(): void;
}

/** `partial`: dapt/acl seed 3 has finished fine-tuning but not evaluation, and nothing is aggregated. */
/**
 * `overlapCorpora`: extra corpora the base model is MLM-evaluated on, with their text written to
 * the temp dir (or, for `lines: null`, a path that does not exist), for the domain-similarity section.
 */
/** `linear`: a reference stage per task, a probe per arm and task, and the claim DAPT > base. */
export function makeFixture(opts: { partial: boolean; points?: string[]; overlapCorpora?: Array<{ name: string; lines: string[] | null }>; linear?: boolean }): Fixture {
  const storeDir = mkdtempSync(join(tmpdir(), 'dapt-report-'));
  const points = opts.points ?? ['default'];
  const stages: Stage[] = [];
  const cells: ResultCell[] = [];
  const mlm: MlmCell[] = [];
  const add = (s: Omit<Stage, 'labels' | 'inputs'>) => stages.push({ ...s, labels: [{ experiment: 'demo' }], inputs: {} } as Stage);

  points.forEach((point, pi) => {
    const pt = pi === 0 ? PRETRAIN : `${PRETRAIN}-${pi}`;
    add({ kind: 'pretrain', key: pt, parents: [], title: `pretrain dapt(biomed) ${point}`, params: { init: base, data: [{ kind: 'corpus', content: 'corpus-biomed' }], masking, optim, heldOut, seed: 0 } });
    writeStage(storeDir, pt, { kind: 'pretrain', title: 'pretrain dapt(biomed)', metrics: { wall_seconds: 120 + pi, steps: 100, tokens: 51200, final_loss: 2.1, heldout_loss: 2.2, heldout_perplexity: 9 - pi }, details: {}, backend: 'wasm' },
      [...Array.from({ length: 11 }, (_, i) => ({ step: i * 10, loss: 4 - i * 0.2, lr: 1e-4, tokens_per_s: 500, ...(i % 5 === 0 ? { heldout_loss: 4.1 - i * 0.19 } : {}) }))]);
    for (const arm of ARMS) {
      for (const [task, metric] of Object.entries(TASKS)) {
        for (const seed of SEEDS) {
          const pfx = pi === 0 ? '' : `p${pi}-`;
          const ft = pfx + ftKey(arm, task, seed);
          const ev = pfx + evKey(arm, task, seed);
          const [dev, test] = SCORES[arm]![task]![seed]!;
          const bump = pi * 0.01;
          add({ kind: 'finetune', key: ft, parents: arm === 'dapt' ? [pt] : [], title: `finetune ${task} s${seed} [${arm}]`, params: { init: arm === 'dapt' ? { from: 'stage', stage: pt } : base, task: taskInput(task), metric, hparams, seed } });
          const resampled = arm === 'roberta' && task === 'chemprot' && seed === 2;
          writeStage(storeDir, ft, { kind: 'finetune', title: ft, metrics: { wall_seconds: 30, steps: 60, tokens: 30720, epochs_run: 3, best_epoch: 2, [`best_dev_${metric}`]: dev + bump, resamples: resampled ? 1 : 0 }, details: resampled ? { seedUsed: 1002 } : {}, backend: 'wasm' },
            [1, 2, 3].map((epoch) => ({ step: epoch * 20, epoch, loss: 1 / epoch, lr: 2e-5, tokens_per_s: 400, [`dev_${metric}`]: dev + bump - (3 - epoch) * 0.02 })));
          add({ kind: 'evaluate', key: ev, parents: [ft], title: `evaluate ${task} s${seed} [${arm}]`, params: { target: 'classifier', finetune: ft, task: taskInput(task), metric, splits: ['dev', 'test'] } });
          const evDone = !(opts.partial && arm === 'dapt' && task === 'acl' && seed === 3);
          writeStage(storeDir, ev, { kind: 'evaluate', title: ev, metrics: { wall_seconds: 2, [`dev_${metric}`]: dev + bump, [`test_${metric}`]: test + bump, dev_accuracy: 0.9 }, details: {}, backend: 'wasm' }, undefined, evDone);
          cells.push({ experiment: 'demo', point, arm, task, seed, metric, finetune: ft, evaluate: ev });
        }
      }
    }
    for (const [model, loss] of [['base', 2.5], ['dapt', 2.0]] as const) {
      const key = `mlm-${model}-biomed${pi === 0 ? '' : `-${pi}`}`;
      add({ kind: 'evaluate', key, parents: model === 'dapt' ? [pt] : [], title: `evaluate mlm(biomed) [${model}]`, params: { target: 'mlm', init: model === 'dapt' ? { from: 'stage', stage: pt } : base, corpus: 'corpus-biomed', heldOut, maxSeqLength: 64, seed: 0, masking } });
      writeStage(storeDir, key, { kind: 'evaluate', title: key, metrics: { wall_seconds: 5, mlm_loss: loss, perplexity: Math.exp(loss), masked_tokens: 1000 }, details: {}, backend: 'wasm' });
      mlm.push({ experiment: 'demo', point, model, corpus: 'biomed', evaluate: key });
    }
    for (const { name, lines } of opts.overlapCorpora ?? []) {
      const file = join(storeDir, 'data', `${name}.txt`);
      if (lines) {
        mkdirSync(join(storeDir, 'data'), { recursive: true });
        writeFileSync(file, lines.join('\n') + '\n');
      }
      const key = `mlm-base-${name}-${pi}`;
      const content = `corpus-${name}`;
      stages.push({
        kind: 'evaluate', key, parents: [], title: `evaluate mlm(${name}) [base]`,
        params: { target: 'mlm', init: base, corpus: content, heldOut, maxSeqLength: 64, seed: 0, masking },
        labels: [{ experiment: 'demo', point, corpus: name }],
        inputs: { [content]: { kind: 'corpus', files: [file] } },
      });
      writeStage(storeDir, key, { kind: 'evaluate', title: key, metrics: { wall_seconds: 5, mlm_loss: 3, perplexity: Math.exp(3), masked_tokens: 1000 }, details: {}, backend: 'wasm' });
      mlm.push({ experiment: 'demo', point, model: 'base', corpus: name, evaluate: key });
    }
  });

  const references: ReferenceCell[] = [];
  const probes: ProbeCell[] = [];
  const classifier = { cGrid: [1], classWeight: 'balanced' as const, maxIterations: 10, gradTolerance: 1e-6 };
  if (opts.linear) {
    for (const [task, metric] of Object.entries(TASKS)) {
      const key = `ref-${task}`;
      add({ kind: 'evaluate', key, parents: [], title: `evaluate reference ${task}`, params: { target: 'reference', task: taskInput(task), metric, features: { ngramMax: 2, maxFeatures: 100 }, classifier } });
      writeStage(storeDir, key, { kind: 'evaluate', title: key, metrics: { wall_seconds: 1, [`dev_${metric}`]: 0.7, [`test_${metric}`]: 0.65, c: 10 }, details: {}, backend: 'none' });
      references.push({ experiment: 'demo', point: points[0]!, task, metric, evaluate: key });
      for (const arm of ARMS) {
        const probe = `probe-${arm}-${task}`;
        const init = arm === 'dapt' ? { from: 'stage' as const, stage: PRETRAIN } : base;
        add({ kind: 'evaluate', key: probe, parents: arm === 'dapt' ? [PRETRAIN] : [], title: `evaluate probe ${task} [${arm}]`, params: { target: 'probe', init, task: taskInput(task), metric, maxSeqLength: 64, classifier } });
        const lift = arm === 'dapt' ? 0.05 : 0;
        writeStage(storeDir, probe, { kind: 'evaluate', title: probe, metrics: { wall_seconds: 3, [`mean_dev_${metric}`]: 0.5 + lift, [`mean_test_${metric}`]: 0.45 + lift, mean_c: 1, [`cls_dev_${metric}`]: 0.4, [`cls_test_${metric}`]: 0.35 + lift / 2, cls_c: 0.1 }, details: {}, backend: 'wasm' });
        probes.push({ experiment: 'demo', point: points[0]!, arm, task, metric, evaluate: probe });
      }
    }
  }
  const params: AggregateParams = {
    experiment: 'demo',
    baselineArm: 'roberta',
    cells,
    mlm,
    targets: { roberta: { chemprot: { mean: 81.9, std: 1.0 } }, dapt: { chemprot: { mean: 84.2, std: 0.2 } } },
    ...(opts.linear
      ? {
          references,
          probes,
          claims: Object.keys(TASKS).map((task) => ({ point: points[0]!, task, claim: 'DAPT > base' as const, better: 'dapt', worse: 'roberta', relation: '>' as const })),
        }
      : {}),
  };
  const parents = [...cells.map((c) => c.evaluate), ...mlm.map((m) => m.evaluate), ...references.map((r) => r.evaluate), ...probes.map((p) => p.evaluate)];
  add({ kind: 'aggregate', key: AGGREGATE, parents, title: 'aggregate demo', params });
  const plan: Plan = {
    formatVersion: 1,
    experiments: [{ name: 'demo', file: '/exp/demo.yaml', points, arms: [...ARMS], tasks: Object.keys(TASKS), seeds: [...SEEDS], baselineArm: 'roberta', aggregate: AGGREGATE }],
    stages,
  };
  return { plan, storeDir, params, cleanup: () => rmSync(storeDir, { recursive: true, force: true }) };
}

/** Runs the aggregate runner the way `dapt stage` would, on the fixture's store. */
export async function runAggregate(f: Fixture): Promise<{ outcome: Awaited<ReturnType<typeof runner.run>>; workDir: string; logs: string[] }> {
  const stage = f.plan.stages.find((s) => s.key === AGGREGATE) as Stage;
  const stageDir = join(f.storeDir, 'stages', AGGREGATE);
  const workDir = join(stageDir, 'work');
  mkdirSync(workDir, { recursive: true });
  const byKey = new Map(f.plan.stages.map((s) => [s.key, s]));
  const parents = stage.parents.map((key) => ({ key, kind: byKey.get(key)!.kind, dir: join(f.storeDir, 'stages', key, 'work') }));
  const spec = {
    ...stage,
    parents,
    dataRoot: '/data',
    storeDir: f.storeDir,
    stageDir,
    backend: 'auto',
    checkpointEverySeconds: 600,
    tracking: null,
    trainer: 'real',
  } as StageSpec;
  const logs: string[] = [];
  const reporter: StageReporter = { metrics() {}, params() {}, tags() {}, progress() {}, log: (l) => void logs.push(l) };
  const ctx: StageContext = { spec, workDir, parents: Object.fromEntries(parents.map((p) => [p.key, p])), reporter, signal: new AbortController().signal };
  const outcome = await runner.run(ctx);
  // What `dapt stage` does after the runner returns: metrics.json, then the manifest.
  writeStage(f.storeDir, AGGREGATE, { kind: 'aggregate', title: stage.title, metrics: { wall_seconds: 0.1, ...outcome.metrics }, details: outcome.details ?? {}, backend: 'none' });
  return { outcome, workDir, logs };
}
