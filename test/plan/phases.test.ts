/** What each kind of phase plans: its stages, their data, parents and inits. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EmbedderSpec, PhaseSpec } from '../../src/config/types.ts';
import { planExperiment, type Plan, type Stage } from '../../src/plan/index.ts';
import { DaptError } from '../../src/errors.ts';
import { arm, catalogFor, checkpointBase, corpus, dapt, experiment, finetune, phase, scratchBase, spec, tapt, task } from './fixtures.ts';
import { finetunes, initStage, isMlm, ofKind, usedBy } from './queries.ts';

const tfidf: EmbedderSpec = { kind: 'tfidf', dims: 256, vocabulary: 'hashed', sublinearTf: true };
const knn = (k: number, embedder: EmbedderSpec = tfidf, name = 'knn'): PhaseSpec =>
  phase(name, { type: 'knn_tapt', pool: 'pool', k, embedder, includeTaskText: true });
const rand = (k: number, sizeMatch: string | null, name = 'rand'): PhaseSpec =>
  phase(name, { type: 'rand_tapt', pool: 'pool', k, seed: 7, sizeMatch, includeTaskText: true });

function planFor(arms: ReturnType<typeof arm>[], extra: Partial<Parameters<typeof spec>[0]> = {}) {
  const e = experiment('x', spec({ corpora: [corpus('biomed'), corpus('reviews'), corpus('pool', 'corpora/pool')], tasks: [task('chemprot'), task('piboso', { labelled: { size: 500, seed: 3 } })], arms, finetune: finetune([1, 2]), ...extra }));
  const catalog = catalogFor([e]);
  return { plan: planExperiment(e, catalog), catalog };
}

const pretrainOf = (plan: Plan, armName: string, t: string): Stage[] => ofKind(plan, 'pretrain').filter((s) => usedBy(s, { arm: armName, task: t }));
const dataOf = (s: Stage) => (s.kind === 'pretrain' ? s.params.data : assert.fail(`${s.title} is not pretrain`));
const selectOf = (s: Stage) => (s.kind === 'select' ? s.params : assert.fail(`${s.title} is not select`));

describe('kNN and RAND selection', () => {
  const rows = [
    { name: 'RAND size-matched to kNN has the kNN select as parent', sizeMatch: 'knn_arm', expectParent: true },
    { name: 'RAND not size-matched has no parent', sizeMatch: null, expectParent: false },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const { plan, catalog } = planFor([arm('rand_arm', [rand(50, row.sizeMatch)], ['chemprot']), arm('knn_arm', [knn(50)], ['chemprot'])]);
      const selects = ofKind(plan, 'select');
      const knnSel = selects.find((s) => selectOf(s).method === 'knn')!;
      const randSel = selects.find((s) => selectOf(s).method === 'rand')!;
      assert.equal(selects.length, 2, 'the kNN select planned for size-matching is the kNN arm\'s own');
      assert.deepEqual(randSel.parents, row.expectParent ? [knnSel.key] : []);
      assert.equal(selectOf(randSel).sizeMatch, row.expectParent ? knnSel.key : null);
      assert.equal(selectOf(knnSel).pool, catalog.corpora['corpora/pool']!.content);
      assert.deepEqual(knnSel.parents, [], 'tf-idf needs no model');
      if (row.expectParent) assert.ok(plan.stages.indexOf(knnSel) < plan.stages.indexOf(randSel), 'topological even though the RAND arm is declared first');
      for (const [armName, sel] of [['knn_arm', knnSel], ['rand_arm', randSel]] as const) {
        const [pre] = pretrainOf(plan, armName, 'chemprot');
        assert.deepEqual(dataOf(pre!).map((d) => d.kind), ['task_text', 'selected']);
        assert.ok(pre!.parents.includes(sel.key));
      }
    });
  }

  it('kNN with a model embedder embeds with the arm\'s current model (its parent)', () => {
    const { plan } = planFor([arm('dapt_knn', [dapt('biomed'), knn(10, { kind: 'model', maxSeqLength: 64 })], ['chemprot'])]);
    const [daptStage] = pretrainOf(plan, 'dapt_knn', 'chemprot');
    const [sel] = ofKind(plan, 'select');
    assert.deepEqual(selectOf(sel!).embedModel, { from: 'stage', stage: daptStage!.key });
    assert.deepEqual(sel!.parents, [daptStage!.key]);
    const after = pretrainOf(plan, 'dapt_knn', 'chemprot').find((s) => s.key !== daptStage!.key)!;
    assert.equal(initStage(after), daptStage!.key);
    assert.deepEqual(after.parents, [daptStage!.key, sel!.key].sort());
  });

  it('RAND size-matched to a kNN that follows DAPT: the kNN select (on the DAPT model) is planned once', () => {
    const byModel: EmbedderSpec = { kind: 'model', maxSeqLength: 64 };
    const { plan } = planFor([
      arm('rand_arm', [rand(20, 'dapt_knn')], ['chemprot', 'piboso']),
      arm('dapt_knn', [dapt('biomed'), knn(20, byModel)], ['chemprot', 'piboso']),
    ]);
    const [daptStage] = pretrainOf(plan, 'dapt_knn', 'chemprot');
    const knnSelects = ofKind(plan, 'select').filter((s) => selectOf(s).method === 'knn');
    const randSelects = ofKind(plan, 'select').filter((s) => selectOf(s).method === 'rand');
    assert.equal(knnSelects.length, 2, 'one per task');
    assert.equal(randSelects.length, 2);
    for (const k of knnSelects) assert.deepEqual(k.parents, [daptStage!.key]);
    assert.deepEqual(randSelects.map((r) => r.parents[0]).sort(), knnSelects.map((k) => k.key).sort());
    assert.equal(ofKind(plan, 'pretrain').length, 1 + 2 + 2, 'DAPT, kNN-TAPT per task, RAND-TAPT per task');
  });

  it('a size-matching cycle is refused, not recursed into', () => {
    assert.throws(
      () => planFor([arm('a', [rand(5, 'b', 'ra'), knn(5)], ['chemprot']), arm('b', [rand(5, 'a', 'rb'), knn(5)], ['chemprot'])]),
      (e: unknown) => e instanceof DaptError && e.code === 'DAPT_INTERNAL' && /size-matched/.test(e.message),
    );
  });

  it('kNN with different k are different selections; the same k in two arms is one', () => {
    const { plan } = planFor([
      arm('k10', [knn(10)], ['chemprot']),
      arm('k50', [knn(50)], ['chemprot']),
      arm('k50_again', [knn(50, tfidf, 'other-name')], ['chemprot']),
    ]);
    assert.deepEqual(ofKind(plan, 'select').map((s) => selectOf(s).k).sort(), [10, 50]);
  });
});

describe('TAPT variants read the right text', () => {
  const rows: Array<{ name: string; phases: PhaseSpec[]; task: string; data: Array<[string, string]> }> = [
    { name: 'TAPT reads the task train text', phases: [tapt()], task: 'chemprot', data: [['task_text', 'train']] },
    { name: 'low-resource TAPT reads the labelled part', phases: [tapt()], task: 'piboso', data: [['task_text', 'train']] },
    { name: 'curated TAPT reads task text then the pool corpus', phases: [phase('cur', { type: 'curated_tapt', pool: { corpus: 'pool' } })], task: 'chemprot', data: [['task_text', 'train'], ['corpus', 'corpora/pool']] },
    { name: 'curated TAPT on the unlabelled remainder', phases: [phase('cur', { type: 'curated_tapt', pool: { taskUnlabelled: true } })], task: 'piboso', data: [['task_text', 'train'], ['task_text', 'unlabelled']] },
    { name: 'Transfer-TAPT reads the other task', phases: [phase('tr', { type: 'transfer_tapt', task: 'chemprot' })], task: 'piboso', data: [['task_text', 'train']] },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const { plan, catalog } = planFor([arm('a', row.phases, [row.task])]);
      const [pre] = pretrainOf(plan, 'a', row.task);
      const taskContent = (t: string) => catalog.tasks[`tasks/${t}`]!.content;
      const readTask = row.name.startsWith('Transfer') ? 'chemprot' : row.task;
      const got = dataOf(pre!).map((d): [string, string] =>
        d.kind === 'corpus' ? ['corpus', Object.keys(catalog.corpora).find((p) => catalog.corpora[p]!.content === d.content)!] : d.kind === 'task_text' ? ['task_text', d.part] : [d.kind, d.stage],
      );
      assert.deepEqual(got, row.data);
      for (const d of dataOf(pre!)) if (d.kind === 'task_text') assert.equal(d.task.content, taskContent(readTask));
      const labelled = readTask === 'piboso' ? { size: 500, seed: 3 } : null;
      for (const d of dataOf(pre!)) if (d.kind === 'task_text') assert.deepEqual(d.task.labelled, labelled);
    });
  }
});

describe('¬DAPT', () => {
  it('pretrains on the irrelevant corpus, not the domain corpus', () => {
    const { plan, catalog } = planFor([arm('dapt', [dapt('biomed')], ['chemprot']), arm('not_dapt', [dapt('reviews', 'not_dapt', 'biomed')], ['chemprot'])]);
    const [neg] = pretrainOf(plan, 'not_dapt', 'chemprot');
    const [pos] = pretrainOf(plan, 'dapt', 'chemprot');
    assert.deepEqual(dataOf(neg!), [{ kind: 'corpus', content: catalog.corpora['corpora/reviews']!.content }]);
    assert.notEqual(neg!.key, pos!.key);
    for (const f of finetunes(plan, { arm: 'not_dapt' })) assert.equal(initStage(f), neg!.key);
  });
});

describe('base models', () => {
  it('a checkpoint base has no stage; finetunes start from its content id', () => {
    const { plan, catalog } = planFor([arm('baseline', [], ['chemprot'])]);
    assert.equal(ofKind(plan, 'pretrain').length, 0);
    for (const f of finetunes(plan)) {
      assert.ok(f.kind === 'finetune');
      assert.deepEqual(f.params.init, { from: 'checkpoint', content: catalog.checkpoints['/models/roberta-mini']!.content });
      assert.deepEqual(f.parents, []);
      assert.deepEqual(f.inputs[catalog.checkpoints['/models/roberta-mini']!.content], { kind: 'checkpoint', dir: '/models/roberta-mini' });
    }
  });

  it('a scratch base is one pretrain stage (tokenizer corpus by content) under every arm, evaluated on evaluateOn', () => {
    const general = corpus('general');
    const { plan, catalog } = planFor([arm('baseline', [], ['chemprot', 'piboso']), arm('dapt', [dapt('biomed')], ['chemprot'])], {
      base: scratchBase(general, [corpus('biomed')]),
      corpora: [general, corpus('biomed')],
    });
    const scratch = ofKind(plan, 'pretrain').filter((s) => s.kind === 'pretrain' && s.params.init.from === 'scratch');
    assert.equal(scratch.length, 1);
    const s = scratch[0]!;
    assert.ok(s.kind === 'pretrain' && s.params.init.from === 'scratch');
    assert.equal(s.params.init.tokenizer.corpus, catalog.corpora['corpora/general']!.content);
    for (const f of finetunes(plan, { arm: 'baseline' })) assert.equal(initStage(f), s.key);
    const daptStage = pretrainOf(plan, 'dapt', 'chemprot').find((x) => x.key !== s.key);
    assert.equal(initStage(daptStage!), s.key);
    assert.deepEqual(s.labels.filter((l) => l.arm !== undefined).map((l) => `${l.arm}/${l.task}`), ['baseline/chemprot', 'baseline/piboso', 'dapt/chemprot'], 'one use per arm and task');
    const baseMlm = plan.stages.filter((x) => isMlm(x) && x.parents[0] === s.key);
    assert.equal(baseMlm.length, 1);
  });
});

describe('MLM evaluations and the aggregate', () => {
  const mlmCorpora = [corpus('biomed'), corpus('reviews')];
  const { plan } = planFor(
    [arm('baseline', [], ['chemprot', 'piboso']), arm('dapt', [dapt('biomed')], ['chemprot', 'piboso']), arm('dapt_tapt', [dapt('biomed'), tapt()], ['chemprot', 'piboso'])],
    { mlmEvaluation: mlmCorpora },
  );
  const [agg] = ofKind(plan, 'aggregate');
  const aggParams = agg!.kind === 'aggregate' ? agg!.params : assert.fail();

  const rows = [
    { model: 'base', task: undefined, count: 2 },
    { model: 'dapt', task: undefined, count: 2 },
    { model: 'dapt_tapt', task: 'chemprot', count: 2 },
    { model: 'dapt_tapt', task: 'piboso', count: 2 },
  ];
  for (const row of rows) {
    it(`${row.model}${row.task ? ` (${row.task})` : ''} is scored on every mlmEvaluation corpus`, () => {
      const cells = aggParams.mlm.filter((c) => c.model === row.model && c.task === row.task);
      assert.equal(cells.length, row.count);
      assert.deepEqual(cells.map((c) => c.corpus).sort(), ['biomed', 'reviews']);
    });
  }

  it('MLM evaluations share one yardstick whatever the arm trained with', () => {
    const evals = plan.stages.filter(isMlm);
    const yardsticks = new Set(evals.map((s) => (s.kind === 'evaluate' && s.params.target === 'mlm' ? JSON.stringify([s.params.masking, s.params.heldOut, s.params.seed]) : '')));
    assert.equal(yardsticks.size, 1);
  });

  it('one aggregate: a cell per arm × task × seed, parents = every evaluate stage', () => {
    assert.equal(ofKind(plan, 'aggregate').length, 1);
    assert.equal(aggParams.cells.length, 3 * 2 * 2);
    const evaluates = ofKind(plan, 'evaluate').map((s) => s.key).sort();
    assert.deepEqual(agg!.parents, evaluates);
    assert.equal(plan.stages.at(-1), agg, 'the aggregate comes last');
    assert.equal(plan.experiments[0]!.aggregate, agg!.key);
  });

  it('no MLM evaluation planned when none is asked for', () => {
    const { plan: p } = planFor([arm('dapt', [dapt('biomed')], ['chemprot'])]);
    assert.equal(p.stages.filter(isMlm).length, 0);
  });
});

describe('checkpoint base content decides keys', () => {
  it('a different checkpoint changes every stage that starts from it', () => {
    const make = (path: string) => experiment('x', spec({ corpora: [corpus('biomed')], tasks: [task('chemprot')], arms: [arm('baseline', [], ['chemprot']), arm('dapt', [dapt('biomed')], ['chemprot'])], base: checkpointBase(path) }));
    const a = make('/m/one');
    const b = make('/m/two');
    const pa = planExperiment(a, catalogFor([a]));
    const pb = planExperiment(b, catalogFor([b]));
    const shared = pa.stages.filter((s) => pb.stages.some((t) => t.key === s.key));
    assert.equal(shared.length, 0);
    // … while the same content under another directory changes nothing.
    const pc = planExperiment(b, catalogFor([b], { '/m/two': catalogFor([a]).checkpoints['/m/one']!.content }));
    assert.deepEqual(pc.stages.map((s) => s.key), pa.stages.map((s) => s.key));
  });
});

describe('MLM yardstick', () => {
  const mlmParams = (plan: Plan) => plan.stages.filter(isMlm).map((s) => (s.kind === 'evaluate' && s.params.target === 'mlm' ? s.params : assert.fail()));
  const rows: Array<{ name: string; dapt: { fraction: number; maxDocs: number } | null; expect: { fraction: number; maxDocs: number } }> = [
    { name: 'nothing trains on the corpus: the standard 1%, at most 200 documents', dapt: null, expect: { fraction: 0.01, maxDocs: 200 } },
    { name: 'DAPT held out more: the standard set (a subset of its held-out set)', dapt: { fraction: 0.05, maxDocs: 1000 }, expect: { fraction: 0.01, maxDocs: 200 } },
    { name: 'DAPT held out fewer: only documents DAPT never saw', dapt: { fraction: 0.005, maxDocs: 50 }, expect: { fraction: 0.005, maxDocs: 50 } },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const phases = row.dapt === null ? [] : [dapt('biomed')];
      if (row.dapt) phases[0]!.heldOut = { ...row.dapt, everySteps: 10 };
      const { plan } = planFor([arm('a', phases, ['chemprot'])], { mlmEvaluation: [corpus('biomed')] });
      for (const p of mlmParams(plan)) assert.deepEqual(p.heldOut, { ...row.expect, everySteps: 0 });
    });
  }

  it('a base model is scored once, whether or not the file also adapts it', () => {
    const general = corpus('general');
    const onlyBase = planFor([arm('baseline', [], ['chemprot'])], { base: scratchBase(general, [corpus('biomed')]), corpora: [general, corpus('biomed')] }).plan;
    const domain = planFor([arm('baseline', [], ['chemprot']), arm('dapt', [dapt('biomed')], ['chemprot'])], {
      base: scratchBase(general, [corpus('biomed')]),
      corpora: [general, corpus('biomed')],
      mlmEvaluation: [corpus('biomed')],
    }).plan;
    const baseEval = (p: Plan) => p.stages.filter((s) => isMlm(s) && s.title.endsWith('[base]')).map((s) => s.key);
    assert.deepEqual(baseEval(domain), baseEval(onlyBase));
    assert.equal(baseEval(onlyBase).length, 1);
  });
});
