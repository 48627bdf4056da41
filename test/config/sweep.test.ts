/** Sweep expansion: products, names, random search, overrides and where point errors are reported. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandSweep, formatValue } from '../../src/config/sweep/expand.ts';
import { setPath } from '../../src/config/sweep/paths.ts';
import { valid, validateText } from './helpers.ts';

const HEAD = `
base: { checkpoint: ckpt }
corpora: { cs: corpora/cs, news: corpora/news }
tasks: { t1: { path: tasks/t1, metric: macro_f1 } }
arms: { baseline: [], d: [{ dapt: cs }], t: [tapt] }
finetune: { seeds: [1, 2] }
`;

test('no sweep is one point called default', () => {
  assert.deepEqual(expandSweep(undefined), [{ name: 'default', overrides: [] }]);
  assert.deepEqual(valid(HEAD).points.map((p) => p.name), ['default']);
});

test('points x grid x zip: the product, in order, with readable names', () => {
  const e = valid(`${HEAD}
sweep:
  points:
    short: { defaults.tapt.optimizer.epochs: 2 }
    long: { defaults.tapt.optimizer.epochs: 20 }
  grid:
    defaults.masking.probability: [0.15, 0.3]
  zip:
    finetune.lr: [1.0e-5, 2.0e-5, 3.0e-5]
    finetune.epochs: [3, 5, 7]
`);
  assert.equal(e.points.length, 2 * 2 * 3);
  assert.deepEqual(e.points.slice(0, 4).map((p) => p.name), [
    'short,probability=0.15,lr=1e-5,epochs=3',
    'short,probability=0.15,lr=2e-5,epochs=5',
    'short,probability=0.15,lr=3e-5,epochs=7',
    'short,probability=0.3,lr=1e-5,epochs=3',
  ]);
  const last = e.points[11]!;
  assert.equal(last.name, 'long,probability=0.3,lr=3e-5,epochs=7');
  assert.deepEqual(last.overrides, [
    { path: 'defaults.tapt.optimizer.epochs', value: 20 },
    { path: 'defaults.masking.probability', value: 0.3 },
    { path: 'finetune.lr', value: 3e-5 },
    { path: 'finetune.epochs', value: 7 },
  ]);
  const t = last.spec.arms.find((a) => a.name === 't')!.phases[0]!;
  assert.deepEqual(t.optim.budget, { epochs: 20 });
  assert.deepEqual(t.masking.schedule, { kind: 'constant', p: 0.3 });
  assert.equal(last.spec.finetune.lr, 3e-5);
  assert.equal(last.spec.finetune.epochs, 7);
  assert.equal(new Set(e.points.map((p) => p.name)).size, e.points.length);
});

test('paths that end alike are named by their shortest distinguishing suffix', () => {
  const drafts = expandSweep({ grid: { 'defaults.masking.probability': [0.2], 'phases.p.tapt.masking.probability': [0.3], 'finetune.lr': [1e-4] } });
  assert.deepEqual(drafts.map((d) => d.name), ['defaults.masking.probability=0.2,tapt.masking.probability=0.3,lr=1e-4']);
});

test('values are named compactly: numbers, shapes, lists', () => {
  assert.equal(formatValue(0.3), '0.3');
  assert.equal(formatValue(1e-5), '1e-5');
  assert.equal(formatValue(2.5e-5), '2.5e-5');
  assert.equal(formatValue(5000000), '5e6');
  assert.equal(formatValue(128), '128');
  assert.equal(formatValue({ linear: { to: 0.05 } }), 'linear-0.05');
  assert.equal(formatValue({ linear: { from: 0.15, to: 0.05 } }), 'linear-0.15-0.05');
  assert.equal(formatValue({ step: { values: [0.3, 0.15], at: [0.5] } }), 'step-0.3+0.15-0.5');
  assert.equal(formatValue([1, 2, 3]), '1+2+3');
  assert.equal(formatValue('constant'), 'constant');
});

test('names are filesystem-safe, unique and bounded', () => {
  const drafts = expandSweep({ grid: { 'corpora.cs': ['a/b c', 'a b/c', 'x'.repeat(300)] } });
  const names = drafts.map((d) => d.name);
  for (const n of names) {
    assert.match(n, /^[A-Za-z0-9._=,+-]+$/);
    assert.ok(n.length <= 120, n);
  }
  assert.equal(names[0], 'cs=a_b_c');
  assert.equal(names[1], 'cs=a_b_c_2');
  assert.equal(new Set(names).size, names.length);
});

test('random search is reproducible from its seed and stays in its ranges', () => {
  const sweep = (seed: number) => ({
    random: {
      samples: 20,
      seed,
      space: {
        'finetune.lr': { log_uniform: [1e-5, 1e-3] },
        'finetune.dropout': { uniform: [0, 0.3] },
        'finetune.epochs': { int_uniform: [2, 4] },
        'finetune.batch_size': { choice: [16, 32] },
      },
    },
  });
  const a = expandSweep(sweep(7));
  assert.deepEqual(expandSweep(sweep(7)), a);
  assert.notDeepEqual(expandSweep(sweep(8)), a);
  const values = (k: string) => a.map((d) => d.overrides.find((o) => o.path === k)!.value as number);
  for (const v of values('finetune.lr')) assert.ok(v >= 1e-5 && v <= 1e-3 && Number(v.toPrecision(6)) === v);
  for (const v of values('finetune.dropout')) assert.ok(v >= 0 && v <= 0.3);
  assert.deepEqual([...new Set(values('finetune.epochs'))].sort(), [2, 3, 4]);
  assert.deepEqual([...new Set(values('finetune.batch_size'))].sort(), [16, 32]);
  assert.equal(a.length, 20);
  assert.match(a[0]!.name, /^lr=[\d.e-]+,dropout=[\d.e-]+,epochs=\d,batch_size=\d+$/);
  const e = valid(`${HEAD}\nsweep:\n  random: { samples: 3, seed: 1, space: { finetune.lr: { log_uniform: [1.0e-5, 1.0e-4] } } }\n`);
  assert.deepEqual(e.points.map((p) => p.spec.finetune.lr), e.points.map((p) => p.overrides[0]!.value));
});

test('a swept max_steps/epochs, warm-up or schedule replaces the other form written in the file', () => {
  const e = valid(`${HEAD}
defaults:
  optimizer: { max_steps: 100, warmup: { ratio: 0.1 } }
  masking: { schedule: { cosine: { to: 0.1 } } }
sweep:
  points:
    by_epochs: { defaults.optimizer.epochs: 2, defaults.optimizer.warmup.steps: 10, defaults.masking.schedule.linear: { to: 0.05 } }
`);
  const d = e.points[0]!.spec.arms.find((a) => a.name === 'd')!.phases[0]!;
  assert.deepEqual(d.optim.budget, { epochs: 2 });
  assert.deepEqual(d.optim.warmup, { steps: 10 });
  assert.deepEqual(d.masking.schedule, { kind: 'linear', from: 0.15, to: 0.05 });
});

test('setPath creates missing mappings and indexes lists', () => {
  const d: Record<string, unknown> = { arms: { k: [{ knn_tapt: { pool: 'cs', k: 1 } }] } };
  setPath(d, 'arms.k.0.knn_tapt.k', 50);
  setPath(d, 'defaults.tapt.optimizer.epochs', 3);
  assert.deepEqual(d, { arms: { k: [{ knn_tapt: { pool: 'cs', k: 50 } }] }, defaults: { tapt: { optimizer: { epochs: 3 } } } });
});

test('stages a sweep does not reach are identical across points', () => {
  const e = valid(`${HEAD}\nsweep: { grid: { defaults.tapt.optimizer.epochs: [2, 4] } }\n`);
  const [a, b] = e.points.map((p) => p.spec);
  assert.deepEqual(a!.arms.find((x) => x.name === 'd'), b!.arms.find((x) => x.name === 'd'));
  assert.notDeepEqual(a!.arms.find((x) => x.name === 't'), b!.arms.find((x) => x.name === 't'));
  assert.deepEqual(a!.base, b!.base);
});

test('an invalid point is reported at the sweep value that makes it invalid, naming the point', () => {
  const text = `${HEAD}sweep:\n  grid:\n    defaults.masking.probability: [0.15, 1.5]\n    finetune.epochs: [3, 0]\n`;
  const r = validateText(text);
  assert.equal(r.ok, false);
  if (r.ok) return;
  const lines = text.split('\n');
  const where = (code: string) => r.issues.filter((i) => i.code === code).map((i) => [i.line, i.col, lines[i.line - 1]!.slice(i.col - 1, i.col + 2)]);
  assert.deepEqual(where('probability-out-of-range'), [[9, 42, '1.5']]);
  assert.deepEqual(where('out-of-range'), [[10, 26, '0]']]);
  assert.match(r.issues[0]!.message, /\(sweep points "probability=1\.5,epochs=3" and 1 more\)/);
  assert.equal(r.issues.length, 2, 'one issue per place, not one per point');
});

test('sweeping the referenced base gives each point its own base', () => {
  const files = { '/exp/b1.yaml': 'base: { checkpoint: m1 }\n', '/exp/b2.yaml': 'base: { checkpoint: m2 }\n' };
  const e = valid(`${HEAD.replace('base: { checkpoint: ckpt }', 'base: { experiment: b1.yaml }')}sweep: { grid: { base.experiment: [b1.yaml, b2.yaml] } }\n`, files);
  assert.deepEqual(e.points.map((p) => p.spec.base), [
    { kind: 'checkpoint', path: '/exp/m1', from: '/exp/b1.yaml' },
    { kind: 'checkpoint', path: '/exp/m2', from: '/exp/b2.yaml' },
  ]);
  const bad = validateText(`${HEAD.replace('base: { checkpoint: ckpt }', 'base: { experiment: b1.yaml }')}sweep: { grid: { base.experiment: [b1.yaml, b3.yaml] } }\n`, files);
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.deepEqual(bad.issues.map((i) => [i.code, i.line, i.col]), [['base-unreadable', 7, 45]]);
});
