/** Which stages collapse into one: across tasks, arms, seeds, sweep points and files. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergePlans, planExperiment, type Plan, type Stage } from '../../src/plan/index.ts';
import { arm, catalogFor, corpus, dapt, domainSpec, experiment, finetune, spec, task } from './fixtures.ts';
import { children, finetunes, initStage, intersect, isClassifierEval, isMlm, keysOf, ofKind, pretrainOn, usedBy } from './queries.ts';

const planOf = (...args: Parameters<typeof experiment>): Plan => {
  const e = experiment(...args);
  return planExperiment(e, catalogFor([e]));
};

describe('one DAPT stage per domain feeds every task, arm and seed that uses it', () => {
  const rows = [
    { domain: 'biomed', tasks: ['chemprot', 'piboso'], irrelevant: 'reviews', seeds: [1, 2, 3, 4, 5] },
    { domain: 'cs', tasks: ['citation_intent', 'sciie'], irrelevant: 'news', seeds: [1, 2] },
    { domain: 'news', tasks: ['hyperpartisan', 'ag', 'extra'], irrelevant: 'cs', seeds: [7] },
  ];
  for (const row of rows) {
    it(`${row.domain}: ${row.tasks.length} tasks × ${row.seeds.length} seeds`, () => {
      const e = experiment(row.domain, domainSpec(row.domain, row.tasks, row.irrelevant, row.seeds));
      const catalog = catalogFor([e]);
      const plan = planExperiment(e, catalog);
      const domainContent = catalog.corpora[`corpora/${row.domain}`]!.content;
      const daptStages = pretrainOn(plan, domainContent);
      assert.equal(daptStages.length, 1, 'exactly one DAPT stage for the domain');
      const daptKey = daptStages[0]!.key;
      // Every DAPT-arm finetune (each task, each seed) starts from it …
      const daptFinetunes = finetunes(plan, { arm: 'dapt' });
      assert.equal(daptFinetunes.length, row.tasks.length * row.seeds.length);
      for (const f of daptFinetunes) assert.equal(initStage(f), daptKey);
      // … and every DAPT+TAPT arm's TAPT stage does too.
      const taptAfterDapt = ofKind(plan, 'pretrain').filter((s) => usedBy(s, { arm: 'dapt_tapt' }) && s.key !== daptKey);
      assert.equal(taptAfterDapt.length, row.tasks.length);
      for (const s of taptAfterDapt) assert.equal(initStage(s), daptKey);
      // Its labels record each (arm, task) use once.
      const uses = daptStages[0]!.labels.map((l) => `${l.arm}/${l.task}`).sort();
      assert.deepEqual(uses, ['dapt', 'dapt_tapt'].flatMap((a) => row.tasks.map((t) => `${a}/${t}`)).sort());
      assert.equal(children(plan).get(daptKey)!.length, row.tasks.length * row.seeds.length + row.tasks.length);
    });
  }
});

describe('DAPT → TAPT chains', () => {
  const e = experiment('biomed', domainSpec('biomed', ['chemprot', 'piboso'], 'reviews'));
  const plan = planExperiment(e, catalogFor([e]));
  const pretrains = ofKind(plan, 'pretrain');
  const rows = ['chemprot', 'piboso'];
  for (const t of rows) {
    it(`${t}: TAPT's init is the DAPT stage, and DAPT+TAPT fine-tunes the TAPT stage`, () => {
      const daptStage = pretrains.find((s) => usedBy(s, { arm: 'dapt' }))!;
      const taptInChain = pretrains.find((s) => usedBy(s, { arm: 'dapt_tapt', task: t }) && s.key !== daptStage.key)!;
      assert.equal(initStage(taptInChain), daptStage.key);
      assert.deepEqual(taptInChain.parents, [daptStage.key]);
      const data = taptInChain.kind === 'pretrain' ? taptInChain.params.data : [];
      assert.equal(data.length, 1);
      assert.equal(data[0]!.kind, 'task_text');
      for (const f of finetunes(plan, { arm: 'dapt_tapt', task: t })) assert.equal(initStage(f), taptInChain.key);
      // TAPT alone starts from the checkpoint, so it is a different stage.
      const taptAlone = pretrains.find((s) => usedBy(s, { arm: 'tapt', task: t }))!;
      assert.notEqual(taptAlone.key, taptInChain.key);
      assert.equal(initStage(taptAlone), null);
      assert.deepEqual(taptAlone.parents, []);
    });
  }
});

describe('sweep points share every stage their swept field does not reach', () => {
  const base = domainSpec('biomed', ['chemprot', 'piboso'], 'reviews', [1, 2]);
  const setPhaseMasking = (p: number) => (s: typeof base) => {
    for (const a of s.arms) for (const ph of a.phases) ph.masking.schedule = { kind: 'constant', p };
  };
  const rows: Array<{
    name: string;
    variants: Record<string, (s: typeof base) => void>;
    /** Arms whose finetunes are shared by both points. */
    sharedFinetuneArms: string[];
    /** Pretrain stages used by both points: 'all', or how many. */
    sharedPretrain: 'all' | number;
  }> = [
    {
      name: 'finetune.lr: every pretrain stage shared, no finetune shared',
      variants: { 'lr=1e-5': (s) => void (s.finetune.lr = 1e-5), 'lr=2e-5': (s) => void (s.finetune.lr = 2e-5) },
      sharedFinetuneArms: [],
      sharedPretrain: 'all',
    },
    {
      name: 'masking probability: no pretrain shared; only the baseline arm\'s finetunes shared',
      variants: { 'p=0.15': setPhaseMasking(0.15), 'p=0.3': setPhaseMasking(0.3) },
      sharedFinetuneArms: ['baseline'],
      sharedPretrain: 0,
    },
    {
      name: 'TAPT steps only: DAPT shared, TAPT and what follows it not',
      variants: {
        short: (s) => s.arms.forEach((a) => a.phases.forEach((ph) => ph.source.type === 'tapt' && (ph.optim.budget = { maxSteps: 10 }))),
        long: (s) => s.arms.forEach((a) => a.phases.forEach((ph) => ph.source.type === 'tapt' && (ph.optim.budget = { maxSteps: 20 }))),
      },
      sharedFinetuneArms: ['baseline', 'dapt', 'not_dapt'],
      // DAPT on biomed and ¬DAPT on reviews.
      sharedPretrain: 2,
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const plan = planOf('sweep', base, row.variants);
      const [p1, p2] = Object.keys(row.variants) as [string, string];
      const inPoint = (s: Stage, point: string) => usedBy(s, { point });
      const pre = ofKind(plan, 'pretrain');
      const shared = pre.filter((s) => inPoint(s, p1) && inPoint(s, p2));
      assert.equal(shared.length, row.sharedPretrain === 'all' ? pre.length : row.sharedPretrain);
      for (const a of ['baseline', 'dapt', 'not_dapt', 'tapt', 'dapt_tapt']) {
        const k1 = keysOf(finetunes(plan, { arm: a, point: p1 }));
        const k2 = keysOf(finetunes(plan, { arm: a, point: p2 }));
        const expectShared = row.sharedFinetuneArms.includes(a);
        assert.equal(intersect(k1, k2).size, expectShared ? k1.size : 0, `arm ${a}: finetunes ${expectShared ? '' : 'not '}shared`);
      }
    });
  }
});

describe('changing one setting changes exactly the keys downstream of it', () => {
  const base = domainSpec('biomed', ['chemprot', 'piboso'], 'reviews', [1, 2]);
  base.mlmEvaluation = [corpus('biomed')];
  type Edit = (s: typeof base) => void;
  const rows: Array<{ name: string; edit: Edit; same: string[]; changed: string[] }> = [
    { name: 'finetune lr', edit: (s) => void (s.finetune.lr = 3e-5), same: ['pretrain', 'select', 'mlm'], changed: ['finetune', 'classifier', 'aggregate'] },
    { name: 'finetune patience', edit: (s) => void (s.finetune.patience = 5), same: ['pretrain', 'select', 'mlm'], changed: ['finetune', 'classifier', 'aggregate'] },
    { name: 'phase warm-up', edit: (s) => s.arms.forEach((a) => a.phases.forEach((p) => (p.optim.warmup = { steps: 7 }))), same: [], changed: ['pretrain', 'mlm', 'aggregate'] },
  ];
  const before = planOf('x', base);
  for (const row of rows) {
    it(row.name, () => {
      const after = planOf('x', base, { default: row.edit });
      const groups = (p: Plan): Record<string, Set<string>> => ({
        pretrain: keysOf(ofKind(p, 'pretrain')),
        select: keysOf(ofKind(p, 'select')),
        finetune: keysOf(ofKind(p, 'finetune')),
        classifier: keysOf(p.stages.filter(isClassifierEval)),
        mlm: keysOf(p.stages.filter(isMlm)),
        aggregate: keysOf(ofKind(p, 'aggregate')),
      });
      const g1 = groups(before);
      const g2 = groups(after);
      for (const k of row.same) assert.deepEqual(g2[k], g1[k], `${k} keys unchanged`);
      for (const k of row.changed) assert.ok(g1[k]!.size > 0 && intersect(g1[k]!, g2[k]!).size < g1[k]!.size, `${k} keys changed`);
      if (row.name.startsWith('finetune')) {
        for (const k of ['finetune', 'classifier', 'aggregate']) assert.equal(intersect(g1[k]!, g2[k]!).size, 0, `every ${k} key changed`);
      }
    });
  }
});

describe('identical stages in different experiment files get the same key', () => {
  const rows: Array<{ name: string; a: ReturnType<typeof experiment>; b: ReturnType<typeof experiment>; content: Record<string, string>; sharedStages: number }> = [
    {
      name: 'same DAPT phase, different corpus/phase/arm names and files',
      a: experiment('biomed', spec({ corpora: [corpus('biomed')], tasks: [task('chemprot')], arms: [arm('dapt', [dapt('biomed')], ['chemprot'])] }), undefined, { file: '/x/biomed.yaml' }),
      b: experiment('pubmed-study', spec({ corpora: [corpus('pubmed', 'corpora/biomed')], tasks: [task('rct', { path: 'tasks/rct' })], arms: [arm('DAPT', [dapt('pubmed', 'domain')], ['rct'])], finetune: finetune([9]) }), undefined, { file: '/y/other.yaml' }),
      content: {},
      sharedStages: 1,
    },
    {
      name: 'same corpus content at a different path',
      a: experiment('a', spec({ corpora: [corpus('biomed')], tasks: [task('chemprot')], arms: [arm('dapt', [dapt('biomed')], ['chemprot'])] })),
      b: experiment('b', spec({ corpora: [corpus('bio', 'mirror/bio')], tasks: [task('chemprot')], arms: [arm('d', [dapt('bio')], ['chemprot'])] })),
      content: { 'corpora/biomed': 'c0ffee', 'mirror/bio': 'c0ffee' },
      // Same task and seeds as well: the DAPT stage and all 3 finetunes and evaluations.
      sharedStages: 7,
    },
    {
      name: '¬DAPT of one file is the DAPT of another',
      a: experiment('biomed', spec({ corpora: [corpus('reviews')], tasks: [task('chemprot')], arms: [arm('not_dapt', [dapt('reviews', 'not_dapt', 'biomed')], ['chemprot'])] })),
      b: experiment('reviews', spec({ corpora: [corpus('reviews')], tasks: [task('imdb')], arms: [arm('dapt', [dapt('reviews')], ['imdb'])] })),
      content: {},
      sharedStages: 1,
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const catalog = catalogFor([row.a, row.b], row.content);
      const pa = planExperiment(row.a, catalog);
      const pb = planExperiment(row.b, catalog);
      const [da] = ofKind(pa, 'pretrain');
      const [db] = ofKind(pb, 'pretrain');
      assert.equal(da!.key, db!.key);
      const merged = mergePlans([pa, pb]);
      const shared = merged.stages.filter((s) => s.key === da!.key);
      assert.equal(shared.length, 1);
      assert.deepEqual(new Set(shared[0]!.labels.map((l) => l.experiment)), new Set([row.a.name, row.b.name]));
      assert.equal(merged.experiments.length, 2);
      assert.equal(merged.stages.length, pa.stages.length + pb.stages.length - row.sharedStages);
    });
  }
});
