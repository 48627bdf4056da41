/** What the planner adds for the report's verdicts: reference and probe stages, the claims, LM-only studies. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { paperClaims } from '../../src/plan/claims.ts';
import { planExperiment, type Plan } from '../../src/plan/index.ts';
import type { AggregateParams } from '../../src/plan/types.ts';
import { arm, catalogFor, corpus, dapt, domainSpec, experiment, finetune, spec, tapt, task } from './fixtures.ts';
import { isMlm, ofKind, pretrainOn } from './queries.ts';

const classifier = { cGrid: [0.1, 1, 10], classWeight: 'balanced' as const, maxIterations: 100, gradTolerance: 1e-6 };
const planOf = (e: ReturnType<typeof experiment>): Plan => planExperiment(e, catalogFor([e]));
const aggregateOf = (plan: Plan): AggregateParams => {
  const a = ofKind(plan, 'aggregate')[0]!;
  if (a.kind !== 'aggregate') throw new Error('no aggregate');
  return a.params;
};
const targetOf = (plan: Plan, target: string) => plan.stages.filter((s) => s.kind === 'evaluate' && s.params.target === target);

describe('the paper\'s claims, found by what the arms do', () => {
  it('maps the five arms of a domain study to its four claims, per task', () => {
    const s = domainSpec('biomed', ['chemprot', 'piboso'], 'reviews');
    s.tasks.chemprot!.domain = 'biomed';
    s.tasks.piboso!.domain = 'biomed';
    assert.deepEqual(
      paperClaims(s, 'default', 'chemprot', 'baseline').map((c) => [c.claim, c.better, c.worse, c.relation]),
      [
        ['DAPT > base', 'dapt', 'baseline', '>'],
        ['TAPT > base', 'tapt', 'baseline', '>'],
        ['DAPT+TAPT ≥ DAPT', 'dapt_tapt', 'dapt', '>='],
        ['¬DAPT < DAPT', 'dapt', 'not_dapt', '>'],
      ],
    );
  });

  it('plans no claim whose arms are missing, and none for DAPT on another domain\'s corpus', () => {
    const s = spec({
      corpora: [corpus('cs'), corpus('news')],
      tasks: [task('acl', { domain: 'cs' })],
      arms: [arm('base', [], ['acl']), arm('news_lm', [dapt('news')], ['acl']), arm('tapt', [tapt()], ['acl'])],
    });
    assert.deepEqual(paperClaims(s, 'p', 'acl', 'base').map((c) => c.claim), ['TAPT > base']);
  });
});

describe('reference and probe stages', () => {
  const s = domainSpec('cs', ['acl'], 'news', [1, 2]);
  s.tasks.acl!.domain = 'cs';
  s.reference = { ngramMax: 2, maxFeatures: 1000, classifier };
  s.probe = { maxSeqLength: 64, classifier };
  const plan = planOf(experiment('cs', s));

  it('one reference stage per task, without parents', () => {
    const refs = targetOf(plan, 'reference');
    assert.equal(refs.length, 1);
    assert.deepEqual(refs[0]!.parents, []);
  });

  it('one probe per distinct final model and task, reading that model', () => {
    const probes = targetOf(plan, 'probe');
    // baseline (the checkpoint), dapt, not_dapt, tapt, dapt_tapt: five different models.
    assert.equal(probes.length, 5);
    const pretrains = new Set(ofKind(plan, 'pretrain').map((p) => p.key));
    for (const p of probes) assert.ok(p.parents.every((k) => pretrains.has(k)));
    assert.equal(probes.filter((p) => p.parents.length === 0).length, 1, 'only the baseline probe starts from the checkpoint');
  });

  it('lists references, probes and claims in the aggregate, which waits for them', () => {
    const a = aggregateOf(plan);
    assert.equal(a.references?.length, 1);
    assert.deepEqual(a.probes?.map((p) => p.arm), ['baseline', 'dapt', 'not_dapt', 'tapt', 'dapt_tapt']);
    assert.equal(a.claims?.length, 4);
    const parents = new Set(ofKind(plan, 'aggregate')[0]!.parents);
    for (const c of [...a.references!, ...a.probes!]) assert.ok(parents.has(c.evaluate));
  });

  it('turned off, they leave the plan as it was', () => {
    const off = domainSpec('cs', ['acl'], 'news', [1, 2]);
    const plain = planOf(experiment('cs', off));
    assert.equal(targetOf(plain, 'reference').length + targetOf(plain, 'probe').length, 0);
    assert.equal(aggregateOf(plain).references, undefined);
  });
});

describe('an LM-only study (paper Tables 1 and 12)', () => {
  it('plans and evaluates every arm\'s model although no task is fine-tuned', () => {
    const general = corpus('general');
    const cs = corpus('cs');
    const s = spec({ corpora: [general, cs], tasks: [], arms: [arm('baseline', [], []), arm('more', [dapt('general')], []), arm('cs', [dapt('cs')], [])], finetune: finetune([]), mlmEvaluation: [general, cs] });
    const e = experiment('lm', s);
    const catalog = catalogFor([e]);
    const plan = planExperiment(e, catalog);
    assert.equal(pretrainOn(plan, catalog.corpora['corpora/general']!.content).length, 1);
    assert.equal(pretrainOn(plan, catalog.corpora['corpora/cs']!.content).length, 1);
    // base + two arms, each on both corpora.
    assert.equal(plan.stages.filter(isMlm).length, 6);
    assert.deepEqual([...new Set(aggregateOf(plan).mlm.map((m) => m.model))], ['base', 'more', 'cs']);
    assert.equal(ofKind(plan, 'finetune').length, 0);
    // No task label on a stage planned without a task.
    assert.ok(ofKind(plan, 'pretrain').every((p) => p.labels.every((l) => l.task === undefined)));
  });
});
