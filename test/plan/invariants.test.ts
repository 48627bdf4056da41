/** Properties every plan has, whatever the experiment. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { canonicalJson, mergePlans, planExperiment, STAGE_FORMAT_VERSION, type Plan } from '../../src/plan/index.ts';
import type { Experiment } from '../../src/config/types.ts';
import { arm, catalogFor, corpus, dapt, domainSpec, experiment, phase, scratchBase, spec, tapt, task } from './fixtures.ts';

/** Every display name here starts with ZZ, so any leak into params is visible. */
function namedExperiment(): Experiment {
  const s = spec({
    corpora: [corpus('ZZbio', 'corpora/biomed'), corpus('ZZpool', 'corpora/pool'), corpus('ZZgen', 'corpora/general')],
    tasks: [task('ZZtask', { path: 'tasks/chemprot' }), task('ZZlow', { path: 'tasks/piboso', labelled: { size: 20, seed: 1 } })],
    base: scratchBase(corpus('ZZgen', 'corpora/general'), [corpus('ZZbio', 'corpora/biomed')]),
    arms: [
      arm('ZZbaseline', [], ['ZZtask', 'ZZlow']),
      arm('ZZdapt_tapt', [dapt('ZZbio', 'ZZphase_d'), tapt('ZZphase_t')], ['ZZtask', 'ZZlow']),
      arm('ZZknn', [phase('ZZphase_k', { type: 'knn_tapt', pool: 'ZZpool', k: 5, embedder: { kind: 'model', maxSeqLength: 32 }, includeTaskText: false })], ['ZZtask']),
      arm('ZZrand', [phase('ZZphase_r', { type: 'rand_tapt', pool: 'ZZpool', k: 5, seed: 1, sizeMatch: 'ZZknn', includeTaskText: true })], ['ZZtask']),
      arm('ZZcur', [phase('ZZphase_c', { type: 'curated_tapt', pool: { taskUnlabelled: true } })], ['ZZlow']),
      arm('ZZtr', [phase('ZZphase_x', { type: 'transfer_tapt', task: 'ZZlow' })], ['ZZtask']),
    ],
    mlmEvaluation: [corpus('ZZbio', 'corpora/biomed')],
  });
  return experiment('ZZexperiment', s, { ZZpoint1: () => {}, ZZpoint2: (x) => void (x.finetune.lr = 1e-5) });
}

const cases: Array<{ name: string; experiments: () => Experiment[] }> = [
  { name: 'every phase kind, scratch base, two points', experiments: () => [namedExperiment()] },
  { name: 'two domain files merged', experiments: () => [experiment('biomed', domainSpec('biomed', ['chemprot', 'piboso'], 'reviews')), experiment('reviews', domainSpec('reviews', ['imdb'], 'biomed'))] },
];

const planAll = (exps: Experiment[]): Plan => mergePlans(exps.map((e) => planExperiment(e, catalogFor(exps))));

describe('plan invariants', () => {
  for (const c of cases) {
    describe(c.name, () => {
      const plan = planAll(c.experiments());

      it('keys are unique and stages come after their parents', () => {
        const seen = new Set<string>();
        for (const s of plan.stages) {
          for (const p of s.parents) assert.ok(seen.has(p), `${s.title}: parent ${p} comes first`);
          assert.ok(!seen.has(s.key), `duplicate key ${s.key}`);
          seen.add(s.key);
        }
      });

      it('each key is sha256 over canonical {format, kind, params, parents}', () => {
        for (const s of plan.stages) {
          const text = canonicalJson({ format: STAGE_FORMAT_VERSION, kind: s.kind, params: s.params, parents: s.parents });
          assert.equal(s.key, createHash('sha256').update(text).digest('hex').slice(0, 24), s.title);
          assert.deepEqual(s.parents, [...new Set(s.parents)].sort(), 'parents sorted and unique');
        }
      });

      it('params name nothing and locate nothing', () => {
        for (const s of plan.stages) {
          if (s.kind === 'aggregate') continue; // the results table is about names
          const text = JSON.stringify(s.params);
          assert.ok(!text.includes('ZZ'), `${s.title}: ${text.match(/"[^"]*ZZ[^"]*"/)?.[0]}`);
          assert.ok(!/"[^"]*\//.test(text), `${s.title} holds a path`);
        }
      });

      it('labels record each use once', () => {
        for (const s of plan.stages) {
          const ids = s.labels.map((l) => JSON.stringify(l));
          assert.equal(new Set(ids).size, ids.length, s.title);
          assert.ok(s.labels.length > 0);
        }
      });

      it('is deterministic and survives a JSON round trip', () => {
        const again = planAll(c.experiments());
        assert.deepEqual(again, plan);
        assert.equal(JSON.stringify(again), JSON.stringify(plan));
        assert.deepEqual(JSON.parse(JSON.stringify(plan)), plan);
      });

      it('merging a plan with itself changes nothing', () => {
        assert.deepEqual(mergePlans([plan, plan]), plan);
      });
    });
  }
});
