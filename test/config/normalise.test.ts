/** From a valid file to the normalised Experiment: inheritance, shapes, references, defaults. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_FINETUNE } from '../../src/config/builtins.ts';
import { MAIN, spec, valid } from './helpers.ts';

const HEAD = `
base: { checkpoint: ../models/mini }
corpora:
  cs: corpora/cs
  biomed: { path: corpora/biomed, domain: biomed }
  reviews: { path: corpora/reviews, domain: reviews }
tasks:
  t1: { path: tasks/t1, metric: macro_f1, domain: cs }
  t2: { path: tasks/t2, metric: micro_f1, labelled: 500 }
finetune: { seeds: [1, 2, 3] }
`;

function arm(s: ReturnType<typeof spec>, name: string) {
  const a = s.arms.find((x) => x.name === name);
  assert.ok(a, `arm ${name}`);
  return a;
}

test('phase settings inherit built-ins < defaults < defaults.<family> < defaults.<type> < named phase < item', () => {
  const s = spec(`${HEAD}
defaults:
  optimizer: { lr: 3.0e-4, weight_decay: 0.05 }
  masking: { max_seq_length: 64 }
  tapt: { optimizer: { lr: 2.0e-4, epochs: 7 } }
  knn_tapt: { optimizer: { batch_size: 8 } }
phases:
  near: { knn_tapt: { pool: cs, k: 3, masking: { probability: 0.2 } } }
arms:
  baseline: []
  d: [{ dapt: { corpus: cs, seed: 4 } }]
  k: [near]
  t: [{ tapt: { optimizer: { grad_accum: 4 } } }]
`);
  const d = arm(s, 'd').phases[0]!;
  assert.equal(d.optim.lr, 3e-4);
  assert.equal(d.optim.weightDecay, 0.05);
  assert.equal(d.optim.batchSize, 32); // built-in DAPT
  assert.deepEqual(d.optim.budget, { maxSteps: 500 }); // built-in DAPT
  assert.equal(d.seed, 4);
  assert.equal(d.masking.maxSeqLength, 64);
  const k = arm(s, 'k').phases[0]!;
  assert.equal(k.name, 'near');
  assert.equal(k.optim.lr, 2e-4); // defaults.tapt reaches every TAPT variant
  assert.deepEqual(k.optim.budget, { epochs: 7 });
  assert.equal(k.optim.batchSize, 8); // defaults.knn_tapt
  assert.deepEqual(k.masking.schedule, { kind: 'constant', p: 0.2 }); // named phase
  assert.equal(k.masking.maxSeqLength, 64);
  assert.equal(k.seed, 0);
  const t = arm(s, 't').phases[0]!;
  assert.equal(t.optim.gradAccum, 4);
  assert.equal(t.optim.weightDecay, 0.05);
  assert.deepEqual(t.masking.replace, { mask: 0.8, random: 0.1, keep: 0.1 });
});

test('max_steps and epochs are one choice: a later layer replaces the other', () => {
  const s = spec(`${HEAD}
defaults:
  optimizer: { max_steps: 100, warmup: { ratio: 0.1 } }
  tapt: { optimizer: { epochs: 3, warmup: { steps: 20 } } }
arms: { baseline: [], d: [{ dapt: cs }], t: [tapt] }
`);
  assert.deepEqual(arm(s, 'd').phases[0]!.optim.budget, { maxSteps: 100 });
  assert.deepEqual(arm(s, 'd').phases[0]!.optim.warmup, { ratio: 0.1 });
  assert.deepEqual(arm(s, 't').phases[0]!.optim.budget, { epochs: 3 });
  assert.deepEqual(arm(s, 't').phases[0]!.optim.warmup, { steps: 20 });
});

test('masking schedules normalise to MaskingSchedule; from defaults to the probability', () => {
  const cases: Array<[string, unknown]> = [
    ['{ probability: 0.2 }', { kind: 'constant', p: 0.2 }],
    ['{ probability: 0.2, schedule: constant }', { kind: 'constant', p: 0.2 }],
    ['{ probability: 0.3, schedule: { linear: { to: 0.05 } } }', { kind: 'linear', from: 0.3, to: 0.05 }],
    ['{ schedule: { linear: { from: 0.15, to: 0.05 } } }', { kind: 'linear', from: 0.15, to: 0.05 }],
    ['{ schedule: { cosine: { to: 0.1 } } }', { kind: 'cosine', from: 0.15, to: 0.1 }],
    ['{ schedule: { step: { values: [0.3, 0.15, 0.05], at: [0.25, 0.5] } } }', { kind: 'step', values: [0.3, 0.15, 0.05], boundaries: [0.25, 0.5] }],
  ];
  for (const [masking, expected] of cases) {
    const s = spec(`${HEAD}\ndefaults: { masking: ${masking} }\narms: { baseline: [], t: [tapt] }\n`);
    assert.deepEqual(arm(s, 't').phases[0]!.masking.schedule, expected, masking);
  }
});

test('a phase that sets only the probability keeps the inherited schedule shape', () => {
  const s = spec(`${HEAD}
defaults: { masking: { schedule: { linear: { to: 0.05 } } } }
arms: { baseline: [], t: [{ tapt: { masking: { probability: 0.3 } } }] }
`);
  assert.deepEqual(arm(s, 't').phases[0]!.masking.schedule, { kind: 'linear', from: 0.3, to: 0.05 });
});

test('phase sources: ¬DAPT pairing, curated pools, kNN embedders, size-matched RAND, transfer', () => {
  const s = spec(`${HEAD}
arms:
  baseline: []
  n: { phases: [{ not_dapt: biomed }], tasks: [t1] }
  c: { phases: [{ curated_tapt: task_unlabelled }], tasks: [t2] }
  c2: [{ curated_tapt: { pool: reviews } }]
  k: [{ knn_tapt: { pool: cs, k: 5 } }]
  km: [{ knn_tapt: { pool: cs, k: 7, embedder: { model: { max_seq_length: 64 } }, include_task_text: false } }]
  kt: [{ knn_tapt: { pool: cs, k: 9, embedder: { tfidf: { dims: 1024, vocabulary: fitted } } } }]
  r: [{ rand_tapt: { size_of: k, selection_seed: 3 } }]
  r2: [{ rand_tapt: { pool: reviews, k: 2 } }]
  x: { phases: [{ transfer_tapt: t2 }], tasks: [t1] }
  x2: [{ transfer_tapt: t1 }]
`);
  const src = (name: string) => arm(s, name).phases[0]!;
  assert.deepEqual(src('n').source, { type: 'dapt', corpus: 'reviews', irrelevantTo: 'biomed' });
  assert.equal(src('n').name, 'not_dapt(biomed)');
  assert.equal(src('n').optim.lr, 5e-4); // ¬DAPT trains like DAPT
  assert.deepEqual(src('c').source, { type: 'curated_tapt', pool: { taskUnlabelled: true } });
  assert.deepEqual(src('c2').source, { type: 'curated_tapt', pool: { corpus: 'reviews' } });
  assert.deepEqual(src('k').source, { type: 'knn_tapt', pool: 'cs', k: 5, embedder: { kind: 'tfidf', dims: 16384, vocabulary: 'hashed', sublinearTf: true }, includeTaskText: true });
  assert.equal(src('k').name, 'knn_tapt(cs,k=5)');
  assert.deepEqual(src('km').source, { type: 'knn_tapt', pool: 'cs', k: 7, embedder: { kind: 'model', maxSeqLength: 64 }, includeTaskText: false });
  assert.deepEqual((src('kt').source as { embedder: unknown }).embedder, { kind: 'tfidf', dims: 1024, vocabulary: 'fitted', sublinearTf: true });
  assert.deepEqual(src('r').source, { type: 'rand_tapt', pool: 'cs', k: 5, seed: 3, sizeMatch: 'k', includeTaskText: true });
  assert.equal(src('r').name, 'rand_tapt(size_of=k)');
  assert.deepEqual(src('r2').source, { type: 'rand_tapt', pool: 'reviews', k: 2, seed: 0, sizeMatch: null, includeTaskText: true });
  assert.deepEqual(src('x').source, { type: 'transfer_tapt', task: 't2' });
  assert.deepEqual(arm(s, 'x').tasks, ['t1']);
  assert.deepEqual(arm(s, 'x2').tasks, ['t2'], 'the Transfer-TAPT source is left out by default');
  assert.deepEqual(arm(s, 'k').tasks, ['t1', 't2']);
});

test('corpora, tasks, targets, execution, name and data root', () => {
  const e = valid(`${HEAD}
data_root: ../data
description: a test
arms: { baseline: [], d: [{ dapt: cs }] }
targets: { d: { t1: 80.5, t2: { mean: 70, std: 1.5 } } }
execution: { executor: slurm, jobs: 4, slurm: { partition: p, gpus: 1, extra_args: [--time=1:00:00] } }
`);
  const s = e.points[0]!.spec;
  assert.equal(e.name, 'main');
  assert.equal(e.description, 'a test');
  assert.equal(e.file, MAIN);
  assert.equal(e.dataRoot, '/data');
  assert.deepEqual(s.corpora.cs, { name: 'cs', path: 'corpora/cs', domain: 'cs' });
  assert.deepEqual(s.tasks.t2, { name: 't2', path: 'tasks/t2', metric: 'micro_f1', domain: null, labelled: { size: 500, seed: 0 }, dedupeTrain: false });
  assert.deepEqual(e.targets, { d: { t1: { mean: 80.5, std: null }, t2: { mean: 70, std: 1.5 } } });
  assert.deepEqual(e.execution, { executor: 'slurm', jobs: 4, slurm: { partition: 'p', account: null, gpus: 1, extraArgs: ['--time=1:00:00'] } });
  assert.equal(e.baselineArm, 'baseline');
  assert.deepEqual(s.base, { kind: 'checkpoint', path: '/models/mini', from: null });
  assert.equal(e.points.length, 1);
  assert.equal(e.points[0]!.name, 'default');
});

test('without arms there is one baseline arm over every task; baseline_arm may name any arm', () => {
  const e = valid(HEAD);
  assert.deepEqual(e.points[0]!.spec.arms, [{ name: 'baseline', phases: [], tasks: ['t1', 't2'] }]);
  assert.equal(e.baselineArm, 'baseline');
  assert.equal(valid(`${HEAD}\narms: { plain: [], d: [{ dapt: cs }] }\n`).baselineArm, 'plain');
  assert.equal(valid(`${HEAD}\narms: { d: [{ dapt: cs }] }\nbaseline_arm: d\n`).baselineArm, 'd');
});

test('fine-tuning: the paper\'s defaults where the file is silent, and degenerate-seed policies', () => {
  const f = spec(HEAD).finetune;
  assert.equal(f.lr, BUILTIN_FINETUNE.lr);
  assert.equal(f.lr, 2e-5);
  assert.equal(f.batchSize, 16);
  assert.equal(f.epochs, 10);
  assert.equal(f.patience, 3);
  assert.equal(f.dropout, 0.1);
  assert.equal(f.weightDecay, 0.1);
  assert.equal(f.warmupRatio, 0.06);
  assert.deepEqual([f.beta1, f.beta2, f.eps], [0.9, 0.98, 1e-6]);
  assert.deepEqual(f.seeds, [1, 2, 3]);
  assert.deepEqual(f.degenerate, { policy: 'keep' });
  const withPolicy = (p: string) => spec(HEAD.replace('finetune: { seeds: [1, 2, 3] }', `finetune: { seeds: [1], head_lr: 1.0e-3, degenerate: ${p} }`)).finetune;
  assert.deepEqual(withPolicy('resample').degenerate, { policy: 'resample', threshold: 'chance', maxResamples: 3 });
  assert.deepEqual(withPolicy('{ policy: drop, threshold: 0.2 }').degenerate, { policy: 'drop', threshold: 0.2 });
  assert.deepEqual(withPolicy('{ policy: resample, max_resamples: 5 }').degenerate, { policy: 'resample', threshold: 'chance', maxResamples: 5 });
  assert.equal(withPolicy('keep').headLr, 1e-3);
});

const BASE_FILE = `
corpora: { general: corpora/general, cs: corpora/cs }
defaults: { masking: { max_seq_length: 96 }, optimizer: { lr: 4.0e-4 } }
base:
  scratch:
    corpus: general
    architecture: { layers: 2, hidden: 64, heads: 2, intermediate: 128 }
    tokenizer: { vocab_size: 1000 }
    optimizer: { max_steps: 50 }
    evaluate_on: [cs]
`;

test('a scratch base takes defaults, its own overrides and the architecture/tokenizer defaults', () => {
  const b = valid(BASE_FILE).points[0]!.spec.base;
  assert.equal(b.kind, 'scratch');
  if (b.kind !== 'scratch') return;
  assert.deepEqual(b.corpus, { name: 'general', path: 'corpora/general', domain: 'general' });
  assert.equal(b.architecture.layers, 2);
  assert.equal(b.architecture.maxPositions, 512);
  assert.equal(b.architecture.hiddenAct, 'gelu');
  assert.deepEqual(b.tokenizer, { kind: 'wordpiece', vocabSize: 1000, lowercase: true, minFrequency: 0 });
  assert.equal(b.masking.maxSeqLength, 96);
  assert.equal(b.optim.lr, 4e-4);
  assert.equal(b.optim.batchSize, 64);
  assert.deepEqual(b.optim.budget, { maxSteps: 50 });
  assert.deepEqual(b.evaluateOn, [{ name: 'cs', path: 'corpora/cs', domain: 'cs' }]);
  assert.equal(b.from, null);
});

test('base: {experiment} reuses the referenced base exactly, from every referencing file', () => {
  const files = { '/exp/base.yaml': BASE_FILE, '/exp/sub/chain.yaml': 'base: { experiment: ../base.yaml }\n' };
  const own = valid(BASE_FILE, {}, '/exp/base.yaml').points[0]!.spec.base;
  const a = spec(`${HEAD.replace('base: { checkpoint: ../models/mini }', 'base: { experiment: base.yaml }')}\ndefaults: { optimizer: { lr: 1.0e-3 } }\n`, files).base;
  const b = valid('base: { experiment: sub/chain.yaml }\n', files).points[0]!.spec.base;
  assert.deepEqual(a, { ...own, from: '/exp/base.yaml' });
  assert.deepEqual(b, a, 'a chain of references ends at the declaring file');
});
