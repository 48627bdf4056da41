/** The shipped experiments/ files: valid, and written so that shared stages really are shared. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { loadExperiment } from '../../src/config/index.ts';
import type { Experiment, PhaseSpec } from '../../src/config/types.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const files = readdirSync(`${root}experiments`).filter((f) => f.endsWith('.yaml')).sort();

const loaded = new Map<string, Experiment>();
async function load(name: string): Promise<Experiment> {
  if (!loaded.has(name)) {
    const r = await loadExperiment(`experiments/${name}`, { cwd: root });
    if (!r.ok) assert.fail(`${name}: ${r.issues.map((i) => `${i.line}:${i.col} ${i.message}`).join('; ')}`);
    // The shared checkpoint may be absent on another machine; nothing else may warn.
    assert.deepEqual(r.warnings.filter((w) => w.code !== 'checkpoint-not-found'), [], name);
    loaded.set(name, r.experiment);
  }
  return loaded.get(name)!;
}

function phase(e: Experiment, arm: string, i = 0, point = 0): PhaseSpec {
  const a = e.points[point]!.spec.arms.find((x) => x.name === arm);
  assert.ok(a, `${e.name} has no arm ${arm}`);
  return a.phases[i]!;
}

/** What decides a pretraining stage's output, apart from where it starts. */
function training(p: PhaseSpec) {
  return { masking: p.masking, optim: p.optim, heldOut: p.heldOut, seed: p.seed };
}

test('`dapt validate experiments/*.yaml` passes', async () => {
  const r = await execa('node', ['bin/dapt.js', 'validate', ...files.map((f) => `experiments/${f}`)], { cwd: root, reject: false });
  assert.equal(r.exitCode, 0, r.stdout + r.stderr);
  for (const f of files) assert.match(r.stdout, new RegExp(`^ok: experiments/${f} \\(`, 'm'));
  assert.match(r.stdout, new RegExp(`${files.length} of ${files.length} files valid`));
});

test('the set of files is the one the issue asks for', () => {
  assert.deepEqual(files, ['base.yaml', 'biomed.yaml', 'cs.yaml', 'curated.yaml', 'knn.yaml', 'mask-sweep.yaml', 'news.yaml', 'quickstart.yaml', 'reviews.yaml']);
});

const domains = { biomed: 'reviews', cs: 'news', news: 'cs', reviews: 'biomed' } as const;

test('domain files: the paper\'s five arms, five seeds, converging fine-tuning, the shared general checkpoint', async () => {
  // base.yaml stays the from-scratch option.
  const base = (await load('base.yaml')).points[0]!.spec.base;
  assert.equal(base.kind, 'scratch');
  if (base.kind !== 'scratch') return;
  assert.deepEqual([base.architecture.layers, base.architecture.hidden, base.architecture.heads, base.architecture.intermediate, base.tokenizer.vocabSize, base.masking.maxSeqLength], [4, 256, 4, 1024, 16384, 128]);
  assert.deepEqual(base.evaluateOn.map((c) => c.name), ['biomed', 'cs', 'news', 'reviews']);
  for (const d of Object.keys(domains)) {
    const e = await load(`${d}.yaml`);
    const s = e.points[0]!.spec;
    assert.deepEqual(s.arms.map((a) => a.name), ['baseline', 'dapt', 'not_dapt', 'tapt', 'dapt_tapt'], d);
    assert.ok(s.finetune.seeds.length >= 5, d);
    assert.ok(s.finetune.patience > 0 && s.finetune.maxSeqLength >= 128, `${d}: early stopping, texts not cut short`);
    assert.ok(s.reference !== null && s.probe !== null, `${d}: the reference row and the probes`);
    assert.ok(Object.keys(s.tasks).length >= 1, d);
    // The paper starts every domain from RoBERTa; here from the shared general checkpoint.
    assert.ok(s.base.kind === 'checkpoint' && s.base.path.endsWith('/shared/models/bert-mini-general'), d);
    assert.deepEqual(phase(e, 'dapt_tapt', 0), phase(e, 'dapt', 0), `${d}: DAPT+TAPT starts with the DAPT stage`);
  }
});

test('¬DAPT of a domain trains exactly like DAPT of its paired domain, so the stage is shared', async () => {
  for (const [d, paired] of Object.entries(domains)) {
    const control = phase(await load(`${d}.yaml`), 'not_dapt');
    const treatment = phase(await load(`${paired}.yaml`), 'dapt');
    assert.deepEqual(control.source, { type: 'dapt', corpus: paired, irrelevantTo: d });
    assert.deepEqual(training(control), training(treatment), `${d} -> ${paired}`);
    const controlCorpus = (await load(`${d}.yaml`)).points[0]!.spec.corpora[paired];
    const treatmentCorpus = (await load(`${paired}.yaml`)).points[0]!.spec.corpora[paired];
    assert.deepEqual(controlCorpus, treatmentCorpus);
  }
});

test('the studies that reuse a domain\'s DAPT use the same DAPT settings', async () => {
  const cs = training(phase(await load('cs.yaml'), 'dapt'));
  assert.deepEqual(training(phase(await load('knn.yaml'), 'dapt')), cs);
  assert.deepEqual(training(phase(await load('mask-sweep.yaml'), 'dapt', 0, 0)), cs);
  assert.deepEqual(training(phase(await load('curated.yaml'), 'dapt_tapt', 0)), training(phase(await load('reviews.yaml'), 'dapt')));
  assert.deepEqual(training(phase(await load('knn.yaml'), 'tapt')), training(phase(await load('cs.yaml'), 'tapt')));
});

test('mask-sweep: mask ratio x schedule, four named points', async () => {
  const e = await load('mask-sweep.yaml');
  assert.deepEqual(e.points.map((p) => [p.name, phase(e, 'dapt', 0, e.points.indexOf(p)).masking.schedule]), [
    ['probability=0.15,schedule=constant', { kind: 'constant', p: 0.15 }],
    ['probability=0.15,schedule=linear-0.05', { kind: 'linear', from: 0.15, to: 0.05 }],
    ['probability=0.3,schedule=constant', { kind: 'constant', p: 0.3 }],
    ['probability=0.3,schedule=linear-0.05', { kind: 'linear', from: 0.3, to: 0.05 }],
  ]);
});

test('curated and kNN studies: pools, low-resource split, size-matched RAND', async () => {
  const c = await load('curated.yaml');
  assert.deepEqual(c.points[0]!.spec.tasks.piboso_500!.labelled, { size: 500, seed: 0 });
  assert.deepEqual(phase(c, 'curated_tapt_500').source, { type: 'curated_tapt', pool: { taskUnlabelled: true } });
  assert.deepEqual(phase(c, 'curated_tapt').source, { type: 'curated_tapt', pool: { corpus: 'imdb_unlabeled' } });
  const k = await load('knn.yaml');
  const knn4 = phase(k, 'knn_4').source;
  const rand4 = phase(k, 'rand_4').source;
  assert.equal(knn4.type === 'knn_tapt' && knn4.k, 4);
  assert.deepEqual(rand4, { type: 'rand_tapt', pool: 'cs', k: 4, seed: 0, sizeMatch: 'knn_4', includeTaskText: true });
});

test('paper targets only for the paper\'s own tasks (not the PIBOSO stand-in or the Helpfulness proxy)', async () => {
  for (const f of files) {
    const e = await load(f);
    const tasks = new Set(Object.values(e.targets).flatMap((row) => Object.keys(row)));
    assert.ok(!tasks.has('piboso') && !tasks.has('piboso_500') && !tasks.has('helpfulness'), f);
  }
  assert.deepEqual((await load('biomed.yaml')).targets.dapt, { chemprot: { mean: 84.2, std: 0.2 } });
});

test('quickstart: one small task, three arms, a few seeds, the embedded checkpoint and data, short sequences', async () => {
  const e = await load('quickstart.yaml');
  const s = e.points[0]!.spec;
  assert.equal(s.base.kind, 'checkpoint');
  // Everything it reads ships in the repository, so a bare clone runs it.
  assert.ok(s.base.kind === 'checkpoint' && s.base.path === `${root}data/quickstart/models/bert-mini-general`);
  assert.equal(e.dataRoot, `${root}data/quickstart`);
  assert.deepEqual(Object.keys(s.tasks), ['citation_intent']);
  assert.deepEqual(s.arms.map((a) => a.name), ['baseline', 'dapt', 'tapt']);
  assert.ok(s.finetune.seeds.length >= 2 && s.finetune.seeds.length <= 3);
  assert.ok(s.finetune.maxSeqLength <= 128 && phase(e, 'dapt').masking.maxSeqLength <= 128);
});
