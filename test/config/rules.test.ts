/** Table tests for every cross-field rule: raw document in, (code, path) out. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as rules from '../../src/config/rules/index.ts';
import type { Rule } from '../../src/config/issues.ts';
import { formatPath } from '../../src/config/paths.ts';

const { documentRules, sweepRules } = rules;

/** A small valid experiment; rows override top-level keys. */
function doc(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    base: { checkpoint: 'ckpt' },
    corpora: { cs: 'corpora/cs', news: 'corpora/news', biomed: { path: 'corpora/biomed', domain: 'biomed' }, reviews: 'corpora/reviews' },
    tasks: { t1: { path: 'tasks/t1', metric: 'macro_f1', domain: 'cs' }, t2: { path: 'tasks/t2', metric: 'accuracy', domain: 'cs' } },
    arms: { baseline: [] },
    finetune: { seeds: [1, 2, 3] },
    ...over,
  };
}

type Row = [name: string, rule: Rule, document: Record<string, unknown>, expected: Array<[code: string, path: string]>];

function without(d: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = d;
  return rest;
}

const arms = (a: Record<string, unknown>) => ({ arms: { baseline: [], ...a } });

const rows: Row[] = [
  // references
  ['dapt on a declared corpus', rules.corpusReferencesExist, doc(arms({ d: [{ dapt: 'cs' }] })), []],
  ['dapt on an unknown corpus', rules.corpusReferencesExist, doc(arms({ d: [{ dapt: 'cz' }] })), [['unknown-corpus', 'arms.d[0].dapt']]],
  ['long-form dapt corpus', rules.corpusReferencesExist, doc(arms({ d: [{ dapt: { corpus: 'bio' } }] })), [['unknown-corpus', 'arms.d[0].dapt.corpus']]],
  ['curated pool task_unlabelled is not a corpus', rules.corpusReferencesExist, doc(arms({ c: [{ curated_tapt: 'task_unlabelled' }] })), []],
  ['knn pool unknown', rules.corpusReferencesExist, doc(arms({ k: [{ knn_tapt: { pool: 'pubmed', k: 5 } }] })), [['unknown-corpus', 'arms.k[0].knn_tapt.pool']]],
  ['named phase corpus unknown', rules.corpusReferencesExist, doc({ phases: { p: { dapt: 'x' } } }), [['unknown-corpus', 'phases.p.dapt']]],
  ['scratch corpus and evaluate_on', rules.corpusReferencesExist, doc({ base: { scratch: { corpus: 'general', evaluate_on: ['cs', 'bio'] } } }), [['unknown-corpus', 'base.scratch.corpus'], ['unknown-corpus', 'base.scratch.evaluate_on[1]']]],
  ['mlm_evaluation', rules.corpusReferencesExist, doc({ mlm_evaluation: ['news', 'newz'] }), [['unknown-corpus', 'mlm_evaluation[1]']]],
  ['declared tasks everywhere', rules.taskReferencesExist, doc({ ...arms({ a: { phases: [{ transfer_tapt: 't2' }], tasks: ['t1'] } }), targets: { a: { t1: 60 } } }), []],
  ['arm tasks', rules.taskReferencesExist, doc(arms({ a: { phases: [], tasks: ['t1', 't3'] } })), [['unknown-task', 'arms.a.tasks[1]']]],
  ['transfer task', rules.taskReferencesExist, doc(arms({ a: { phases: [{ transfer_tapt: 't9' }], tasks: ['t1'] } })), [['unknown-task', 'arms.a.phases[0].transfer_tapt']]],
  ['target task', rules.taskReferencesExist, doc({ targets: { baseline: { t1: 80, t7: 70 } } }), [['unknown-task', 'targets.baseline.t7']]],
  ['size_of arm', rules.armReferencesExist, doc(arms({ r: [{ rand_tapt: { size_of: 'knn' } }] })), [['unknown-arm', 'arms.r[0].rand_tapt.size_of']]],
  ['baseline_arm', rules.armReferencesExist, doc({ baseline_arm: 'base' }), [['unknown-arm', 'baseline_arm']]],
  ['baseline_arm with the default arms', rules.armReferencesExist, without(doc({ baseline_arm: 'baseline' }), 'arms'), []],
  ['target arm', rules.armReferencesExist, doc({ targets: { dapt: { t1: 80 } } }), [['unknown-arm', 'targets.dapt']]],
  ['named phase and tapt', rules.phaseReferencesExist, doc({ phases: { long: { tapt: null } }, ...arms({ a: ['long', 'tapt'] }) }), []],
  ['misspelt phase name', rules.phaseReferencesExist, doc({ phases: { tapt_long: { tapt: null } }, ...arms({ a: ['tapt_lng'] }) }), [['unknown-phase', 'arms.a[0]']]],
  ['a phase type without arguments', rules.phaseReferencesExist, doc(arms({ a: ['dapt'] })), [['phase-needs-argument', 'arms.a[0]']]],
  // arms
  ['DAPT then TAPT', rules.armsDoNotRepeatPhases, doc(arms({ a: [{ dapt: 'cs' }, 'tapt'] })), []],
  ['two different corpora', rules.armsDoNotRepeatPhases, doc(arms({ a: [{ dapt: 'cs' }, { dapt: 'news' }] })), []],
  ['tapt twice', rules.armsDoNotRepeatPhases, doc(arms({ a: ['tapt', 'tapt'] })), [['repeated-phase', 'arms.a[1]']]],
  ['same corpus, other settings', rules.armsDoNotRepeatPhases, doc(arms({ a: [{ dapt: 'cs' }, { dapt: { corpus: 'cs', seed: 2 } }] })), [['repeated-phase', 'arms.a[1]']]],
  ['a named tapt after tapt', rules.armsDoNotRepeatPhases, doc({ phases: { long: { tapt: { seed: 1 } } }, ...arms({ a: ['tapt', 'long'] }) }), [['repeated-phase', 'arms.a[1]']]],
  ['¬DAPT repeats the DAPT corpus it pairs to', rules.armsDoNotRepeatPhases, doc(arms({ a: [{ dapt: 'reviews' }, { not_dapt: 'biomed' }] })), [['repeated-phase', 'arms.a[1]']]],
  ['¬DAPT with the paper pairing', rules.notDaptIsIrrelevant, doc(arms({ n: [{ not_dapt: 'biomed' }] })), []],
  ['¬DAPT on its own domain', rules.notDaptIsIrrelevant, doc(arms({ n: [{ not_dapt: { domain: 'cs', corpus: 'cs' } }] })), [['not-dapt-relevant', 'arms.n[0].not_dapt.corpus']]],
  ['¬DAPT on the fine-tuned tasks\' domain', rules.notDaptIsIrrelevant, doc(arms({ n: [{ not_dapt: { domain: 'news', corpus: 'cs' } }] })), [['not-dapt-relevant', 'arms.n[0].not_dapt.corpus']]],
  ['¬DAPT equal to another arm\'s DAPT', rules.notDaptIsIrrelevant, doc(arms({ d: [{ dapt: 'reviews' }], n: [{ not_dapt: 'biomed' }] })), [['not-dapt-relevant', 'arms.n[0].not_dapt']]],
  ['¬DAPT without a pairing', rules.notDaptIsIrrelevant, doc(arms({ n: [{ not_dapt: 'law' }] })), [['not-dapt-no-pairing', 'arms.n[0].not_dapt']]],
  ['¬DAPT paired corpus missing', rules.notDaptIsIrrelevant, doc({ corpora: { cs: 'corpora/cs' }, ...arms({ n: [{ not_dapt: 'cs' }] }) }), [['not-dapt-corpus-missing', 'arms.n[0].not_dapt']]],
  ['¬DAPT paired corpus ambiguous', rules.notDaptIsIrrelevant, doc({ corpora: { cs: 'corpora/cs', r1: { path: 'a', domain: 'reviews' }, r2: { path: 'b', domain: 'reviews' } }, ...arms({ n: [{ not_dapt: 'biomed' }] }) }), [['not-dapt-ambiguous', 'arms.n[0].not_dapt']]],
  ['rand size-matched to a kNN arm', rules.randTaptIsSized, doc(arms({ k: [{ knn_tapt: { pool: 'cs', k: 5 } }], r: [{ rand_tapt: { size_of: 'k' } }] })), []],
  ['size_of an arm without kNN', rules.randTaptIsSized, doc(arms({ d: [{ dapt: 'cs' }], r: [{ rand_tapt: { size_of: 'd' } }] })), [['size-of-not-knn', 'arms.r[0].rand_tapt.size_of']]],
  ['size_of an arm with two kNN phases', rules.randTaptIsSized, doc(arms({ k: [{ knn_tapt: { pool: 'cs', k: 5 } }, { knn_tapt: { pool: 'news', k: 5 } }], r: [{ rand_tapt: { size_of: 'k' } }] })), [['size-of-ambiguous', 'arms.r[0].rand_tapt.size_of']]],
  ['rand without size or k', rules.randTaptIsSized, doc(arms({ r: [{ rand_tapt: { pool: 'cs' } }] })), [['rand-tapt-unsized', 'arms.r[0].rand_tapt']]],
  ['Transfer-TAPT onto another task', rules.transferTaptUsesOtherTask, doc(arms({ x: { phases: [{ transfer_tapt: 't2' }], tasks: ['t1'] } })), []],
  ['Transfer-TAPT without tasks: every other task', rules.transferTaptUsesOtherTask, doc(arms({ x: [{ transfer_tapt: 't2' }] })), []],
  ['Transfer-TAPT onto the same task', rules.transferTaptUsesOtherTask, doc(arms({ x: { phases: [{ transfer_tapt: 't2' }], tasks: ['t1', 't2'] } })), [['transfer-same-task', 'arms.x.phases[0].transfer_tapt']]],
  ['Transfer-TAPT from the only task', rules.transferTaptUsesOtherTask, doc({ tasks: { t1: { path: 'p', metric: 'accuracy' } }, ...arms({ x: [{ transfer_tapt: 't1' }] }) }), [['tapt-without-tasks', 'arms.x[0].transfer_tapt']]],
  ['TAPT needs tasks', rules.taskTextIsAvailable, { base: { checkpoint: 'c' }, arms: { t: ['tapt'] } }, [['tapt-without-tasks', 'arms.t[0]']]],
  ['task_unlabelled needs a labelled split', rules.taskTextIsAvailable, doc(arms({ c: { phases: [{ curated_tapt: 'task_unlabelled' }], tasks: ['t1'] } })), [['no-unlabelled-pool', 'arms.c.phases[0].curated_tapt']]],
  ['task_unlabelled with a labelled split', rules.taskTextIsAvailable, doc({ tasks: { t1: { path: 'p', metric: 'accuracy', labelled: 500 } }, ...arms({ c: [{ curated_tapt: 'task_unlabelled' }] }) }), []],
  ['one arm without phases', rules.baselineArmIsDefined, doc(arms({ d: [{ dapt: 'cs' }] })), []],
  ['no arm without phases', rules.baselineArmIsDefined, doc({ arms: { d: [{ dapt: 'cs' }] } }), [['baseline-arm-missing', 'arms']]],
  ['two arms without phases', rules.baselineArmIsDefined, doc({ arms: { a: [], b: { phases: [] } } }), [['baseline-arm-ambiguous', 'arms']]],
  ['two empty arms but baseline_arm given', rules.baselineArmIsDefined, doc({ arms: { a: [], b: [] }, baseline_arm: 'a' }), []],
  ['target for a planned cell', rules.targetsArePlanned, doc({ ...arms({ d: { phases: [{ dapt: 'cs' }], tasks: ['t1'] } }), targets: { d: { t1: 80 } } }), []],
  ['target for an unplanned cell', rules.targetsArePlanned, doc({ ...arms({ d: { phases: [{ dapt: 'cs' }], tasks: ['t1'] } }), targets: { d: { t2: 80 } } }), [['target-not-planned', 'targets.d.t2']]],
  // settings
  ['probability 0.15', rules.maskingProbabilityInRange, doc({ defaults: { masking: { probability: 0.15 } } }), []],
  ['probability 0', rules.maskingProbabilityInRange, doc({ defaults: { masking: { probability: 0 } } }), [['probability-out-of-range', 'defaults.masking.probability']]],
  ['probability 1 in a per-type default', rules.maskingProbabilityInRange, doc({ defaults: { tapt: { masking: { probability: 1 } } } }), [['probability-out-of-range', 'defaults.tapt.masking.probability']]],
  ['probability in an arm item', rules.maskingProbabilityInRange, doc(arms({ d: [{ dapt: { corpus: 'cs', masking: { probability: 1.5 } } }] })), [['probability-out-of-range', 'arms.d[0].dapt.masking.probability']]],
  ['probability in the scratch base', rules.maskingProbabilityInRange, doc({ base: { scratch: { corpus: 'cs', masking: { probability: -0.1 } } } }), [['probability-out-of-range', 'base.scratch.masking.probability']]],
  ['linear 0.15 -> 0.05', rules.scheduleEndsInRange, doc({ defaults: { masking: { schedule: { linear: { from: 0.15, to: 0.05 } } } } }), []],
  ['linear to 0', rules.scheduleEndsInRange, doc({ defaults: { masking: { schedule: { linear: { to: 0 } } } } }), [['schedule-out-of-range', 'defaults.masking.schedule.linear.to']]],
  ['cosine from 1', rules.scheduleEndsInRange, doc({ defaults: { masking: { schedule: { cosine: { from: 1, to: 0.1 } } } } }), [['schedule-out-of-range', 'defaults.masking.schedule.cosine.from']]],
  ['step value above 1', rules.scheduleEndsInRange, doc({ defaults: { masking: { schedule: { step: { values: [0.3, 1.2], at: [0.5] } } } } }), [['schedule-out-of-range', 'defaults.masking.schedule.step.values[1]']]],
  ['a good step schedule', rules.stepScheduleWellFormed, doc({ defaults: { masking: { schedule: { step: { values: [0.3, 0.2, 0.1], at: [0.3, 0.6] } } } } }), []],
  ['step values count', rules.stepScheduleWellFormed, doc({ defaults: { masking: { schedule: { step: { values: [0.3, 0.2], at: [0.3, 0.6] } } } } }), [['step-values-count', 'defaults.masking.schedule.step.values']]],
  ['step boundaries decrease', rules.stepScheduleWellFormed, doc({ defaults: { masking: { schedule: { step: { values: [0.3, 0.2, 0.1], at: [0.6, 0.6] } } } } }), [['step-boundaries', 'defaults.masking.schedule.step.at[1]']]],
  ['step boundary at 1', rules.stepScheduleWellFormed, doc({ defaults: { masking: { schedule: { step: { values: [0.3, 0.2], at: [1] } } } } }), [['step-boundaries', 'defaults.masking.schedule.step.at[0]']]],
  ['80/10/10', rules.replaceSplitSumsToOne, doc({ defaults: { masking: { replace: { mask: 0.8, random: 0.1, keep: 0.1 } } } }), []],
  ['70/20/20', rules.replaceSplitSumsToOne, doc({ defaults: { masking: { replace: { mask: 0.7, random: 0.2, keep: 0.2 } } } }), [['replace-split-sum', 'defaults.masking.replace']]],
  ['max_steps only', rules.budgetIsSingle, doc({ defaults: { optimizer: { max_steps: 10 } } }), []],
  ['max_steps and epochs', rules.budgetIsSingle, doc({ defaults: { dapt: { optimizer: { max_steps: 10, epochs: 2 } } } }), [['budget-conflict', 'defaults.dapt.optimizer.epochs']]],
  ['ratios in range', rules.ratiosInRange, doc({ defaults: { held_out: { fraction: 0.1 }, optimizer: { warmup: { ratio: 0 } } }, finetune: { seeds: [1], dropout: 0, warmup_ratio: 0.1 } }), []],
  ['held-out fraction 0', rules.ratiosInRange, doc({ defaults: { held_out: { fraction: 0 } } }), [['ratio-out-of-range', 'defaults.held_out.fraction']]],
  ['warm-up ratio 1', rules.ratiosInRange, doc({ defaults: { optimizer: { warmup: { ratio: 1 } } } }), [['ratio-out-of-range', 'defaults.optimizer.warmup.ratio']]],
  ['fine-tuning dropout 1 and threshold 1.5', rules.ratiosInRange, doc({ finetune: { seeds: [1], dropout: 1, degenerate: { policy: 'drop', threshold: 1.5 } } }), [['ratio-out-of-range', 'finetune.dropout'], ['ratio-out-of-range', 'finetune.degenerate.threshold']]],
  // fine-tuning and model
  // base
  ['a hub base with its revision', rules.baseHasOneKind, doc({ base: { hub: 'roberta-base', revision: 'main' } }), []],
  ['a checkpoint base', rules.baseHasOneKind, doc({ base: { checkpoint: 'ckpt' } }), []],
  ['hub and checkpoint', rules.baseHasOneKind, doc({ base: { hub: 'roberta-base', checkpoint: 'ckpt' } }), [['wrong-shape', 'base']]],
  ['an empty base', rules.baseHasOneKind, doc({ base: {} }), [['wrong-shape', 'base']]],
  ['revision without hub', rules.baseHasOneKind, doc({ base: { checkpoint: 'ckpt', revision: 'main' } }), [['wrong-shape', 'base.revision']]],
  ['five seeds', rules.seedsPresentAndUnique, doc({ finetune: { seeds: [1, 2, 3, 4, 5] } }), []],
  ['no finetune with tasks', rules.seedsPresentAndUnique, without(doc(), 'finetune'), [['seeds-missing', '(document)']]],
  ['no seeds with tasks', rules.seedsPresentAndUnique, doc({ finetune: { lr: 1e-5 } }), [['seeds-missing', 'finetune']]],
  ['no seeds and no tasks', rules.seedsPresentAndUnique, { base: { checkpoint: 'c' } }, []],
  ['empty seeds', rules.seedsPresentAndUnique, doc({ finetune: { seeds: [] } }), [['seeds-empty', 'finetune.seeds']]],
  ['duplicate seeds', rules.seedsPresentAndUnique, doc({ finetune: { seeds: [1, 2, 1, 2] } }), [['seeds-duplicate', 'finetune.seeds[2]'], ['seeds-duplicate', 'finetune.seeds[3]']]],
  ['256 hidden, 4 heads', rules.headsDivideHidden, doc({ base: { scratch: { corpus: 'cs', architecture: { hidden: 256, heads: 4 } } } }), []],
  ['hidden 256, 6 heads', rules.headsDivideHidden, doc({ base: { scratch: { corpus: 'cs', architecture: { heads: 6 } } } }), [['heads-do-not-divide-hidden', 'base.scratch.architecture.heads']]],
  ['sequences fit', rules.sequencesFitPositions, doc({ base: { scratch: { corpus: 'cs', architecture: { max_positions: 128 } } }, defaults: { masking: { max_seq_length: 128 } } }), []],
  ['pretraining sequence too long', rules.sequencesFitPositions, doc({ base: { scratch: { corpus: 'cs', architecture: { max_positions: 64 } } } }), [['sequence-too-long', 'defaults.masking.max_seq_length']]],
  ['fine-tuning sequence too long', rules.sequencesFitPositions, doc({ base: { scratch: { corpus: 'cs', masking: { max_seq_length: 64 }, architecture: { max_positions: 64 } } }, finetune: { seeds: [1], max_seq_length: 128 } }), [['sequence-too-long', 'finetune.max_seq_length']]],
  // sweeps
  ['valid sweep paths', rules.sweepPathsExist, doc({ ...arms({ k: [{ knn_tapt: { pool: 'cs', k: 5 } }] }), sweep: { grid: { 'defaults.masking.probability': [0.1], 'arms.k.0.knn_tapt.k': [1, 2], 'corpora.cs': ['a', 'b'], 'defaults.tapt.optimizer.epochs': [1] } } }), []],
  ['unknown key on the way', rules.sweepPathsExist, doc({ sweep: { grid: { 'defaults.masking.probabilty': [0.1] } } }), [['sweep-unknown-path', 'sweep.grid["defaults.masking.probabilty"]']]],
  ['unknown top-level key', rules.sweepPathsExist, doc({ sweep: { zip: { 'finetun.lr': [1e-5] } } }), [['sweep-unknown-path', 'sweep.zip["finetun.lr"]']]],
  ['whole-experiment key', rules.sweepPathsExist, doc({ sweep: { grid: { baseline_arm: ['a'] } } }), [['sweep-not-sweepable', 'sweep.grid.baseline_arm']]],
  ['undeclared arm on the way', rules.sweepPathsExist, doc({ sweep: { points: { p: { 'arms.knn.0.knn_tapt.k': 5 } } } }), [['sweep-unknown-path', 'sweep.points.p["arms.knn.0.knn_tapt.k"]']]],
  ['list index out of range', rules.sweepPathsExist, doc({ ...arms({ d: [{ dapt: 'cs' }] }), sweep: { grid: { 'arms.d.3.dapt': ['news'] } } }), [['sweep-unknown-path', 'sweep.grid["arms.d.3.dapt"]']]],
  ['through a short-form value', rules.sweepPathsExist, doc({ sweep: { grid: { 'corpora.cs.path': ['a'] } } }), [['sweep-path-through-value', 'sweep.grid["corpora.cs.path"]']]],
  ['zip lengths equal', rules.zipListsEqualLength, doc({ sweep: { zip: { 'finetune.lr': [1, 2], 'finetune.epochs': [3, 4] } } }), []],
  ['zip lengths differ', rules.zipListsEqualLength, doc({ sweep: { zip: { 'finetune.lr': [1, 2], 'finetune.epochs': [3] } } }), [['sweep-zip-length', 'sweep.zip["finetune.epochs"]']]],
  ['random alone', rules.randomExcludesOthers, doc({ sweep: { random: { samples: 2, space: { 'finetune.lr': { uniform: [0.1, 0.2] } } } } }), []],
  ['random with points', rules.randomExcludesOthers, doc({ sweep: { points: { a: { 'finetune.lr': 1 } }, random: { samples: 2, space: {} } } }), [['sweep-random-exclusive', 'sweep.points']]],
  ['different fields on each axis', rules.sweepPathsDistinct, doc({ sweep: { grid: { 'finetune.lr': [1] }, zip: { 'finetune.epochs': [1] }, points: { a: { 'finetune.dropout': 0.2 }, b: { 'finetune.dropout': 0.3 } } } }), []],
  ['points on a grid field', rules.sweepPathsDistinct, doc({ sweep: { grid: { 'finetune.lr': [1] }, zip: { 'finetune.epochs': [1] }, points: { a: { 'finetune.lr': 2 }, b: { 'finetune.lr': 3 } } } }), [['sweep-overlapping-paths', 'sweep.points.a["finetune.lr"]'], ['sweep-overlapping-paths', 'sweep.points.b["finetune.lr"]']]],
  ['a path inside another axis\'s path', rules.sweepPathsDistinct, doc({ sweep: { grid: { 'defaults.optimizer': [{}] }, zip: { 'defaults.optimizer.lr': [1] } } }), [['sweep-overlapping-paths', 'sweep.zip["defaults.optimizer.lr"]']]],
  ['ordered ranges', rules.randomRangesValid, doc({ sweep: { random: { samples: 1, space: { a: { uniform: [0, 1] }, b: { int_uniform: [3, 3] }, c: { log_uniform: [1e-5, 1e-4] } } } } }), []],
  ['reversed and non-positive ranges', rules.randomRangesValid, doc({ sweep: { random: { samples: 1, space: { a: { uniform: [1, 0] }, c: { log_uniform: [0, 1] } } } } }), [['sweep-bad-range', 'sweep.random.space.a.uniform'], ['sweep-bad-range', 'sweep.random.space.c.log_uniform']]],
  ['a sweep of 100,000 points', rules.sweepIsBounded, doc({ sweep: { grid: { a: Array(100).fill(1), b: Array(1000).fill(1) } } }), []],
  ['a sweep of 161,051 points', rules.sweepIsBounded, doc({ sweep: { grid: Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((k) => [k, Array(11).fill(1)])) } }), [['sweep-too-large', 'sweep']]],
];

for (const [name, rule, document, expected] of rows) {
  test(`${rule.name}: ${name}`, () => {
    const got = rule.check(document).map((i) => [i.code, formatPath(i.path)]);
    assert.deepEqual(got, expected);
  });
}

test('every exported rule is registered and has table rows', () => {
  const exported = Object.values(rules).filter((v): v is Rule => typeof v === 'object' && v !== null && 'check' in v);
  const registered = new Set([...documentRules, ...sweepRules]);
  for (const r of exported) assert.ok(registered.has(r), `${r.name} is not registered`);
  const covered = new Set(rows.map((r) => r[1]));
  for (const r of registered) assert.ok(covered.has(r), `${r.name} has no table rows`);
  // Each rule has at least one row where it is silent and one where it fires.
  for (const r of registered) {
    const mine = rows.filter((row) => row[1] === r);
    assert.ok(mine.some((row) => row[3].length === 0) || r === rules.phaseReferencesExist, `${r.name} needs a passing row`);
    assert.ok(mine.some((row) => row[3].length > 0), `${r.name} needs a failing row`);
  }
});

test('rules never throw on documents of the wrong shape', () => {
  const junk: unknown[] = [null, 5, 'text', [], { arms: 5 }, { arms: { a: 5 } }, { arms: { a: [5, null, { dapt: 5 }] } }, { defaults: [] }, { sweep: { grid: 5 } }, { base: { scratch: 5 } }, { phases: { p: 5 } }, { finetune: { seeds: 'x' } }];
  for (const d of junk) for (const r of [...documentRules, ...sweepRules]) assert.doesNotThrow(() => r.check(d), `${r.name} on ${JSON.stringify(d)}`);
});
