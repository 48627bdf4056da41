/** Critical path first: estimates from the plan, measured speeds, and the scheduler's start order. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpeedModel, estimateTokens, remainingPaths } from '../../src/execute/critical-path.ts';
import { Scheduler } from '../../src/execute/scheduler.ts';
import type { Stage, StageKind } from '../../src/plan/types.ts';
import { inProcessExecutor, withEnv } from './_in-process.ts';
import { planOf, schedulerOptions, stageOf, tinyStudy } from './_study.ts';

/** Only what remainingPaths reads: key, kind, parents. */
function node(key: string, kind: StageKind, parents: string[] = []): Stage {
  return { key, kind, parents } as unknown as Stage;
}

test('the remaining path is a stage plus its longest chain of dependents', () => {
  const stages = [node('pre', 'pretrain'), node('ft', 'finetune', ['pre']), node('ev', 'evaluate', ['ft']), node('solo', 'finetune'), node('agg', 'aggregate', ['ev', 'solo'])];
  const tokens = new Map([['pre', 100], ['ft', 10], ['ev', 3], ['solo', 150], ['agg', 0]]);
  const path = remainingPaths(stages, new SpeedModel(), tokens);
  assert.deepEqual(Object.fromEntries(path), { pre: 113, ft: 13, ev: 3, solo: 150, agg: 0 });
});

test('measured speeds turn tokens into seconds per kind, and can change which stage goes first', () => {
  const stages = [node('pre', 'pretrain'), node('ft', 'finetune', ['pre']), node('solo', 'finetune')];
  const tokens = new Map([['pre', 100], ['ft', 10], ['solo', 150]]);
  const speed = new SpeedModel();
  const before = remainingPaths(stages, speed, tokens);
  assert.ok(before.get('solo')! > before.get('pre')!, 'by tokens alone the lone fine-tune is longer');
  speed.record('pretrain', 50, 500);
  speed.record('finetune', 20, 20);
  const after = remainingPaths(stages, speed, tokens);
  assert.equal(after.get('pre'), 100 * (500 / 50) + 10 * (20 / 20));
  assert.ok(after.get('pre')! > after.get('solo')!, 'pretraining turned out ten times slower per token');
  // a kind not measured yet takes the mean of the measured ones
  assert.equal(speed.secondsPerToken('evaluate'), (500 / 50 + 20 / 20) / 2);
});

test('estimates come from the token budgets of the plan', async (t) => {
  const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1] });
  const plan = await planOf(study);
  const byKey = new Map(plan.stages.map((s) => [s.key, s]));
  const pretrain = stageOf(plan, 'pretrain', 'dapt');
  if (pretrain.kind !== 'pretrain' || !('maxSteps' in pretrain.params.optim.budget)) throw new Error('the tiny study pretrains for max_steps');
  const { optim, masking } = pretrain.params;
  const steps = pretrain.params.optim.budget.maxSteps;
  assert.equal(estimateTokens(pretrain, byKey), steps * optim.batchSize * optim.gradAccum * masking.maxSeqLength);
  const doubled = { ...pretrain, params: { ...pretrain.params, optim: { ...optim, budget: { maxSteps: steps * 2 } } } };
  assert.equal(estimateTokens(doubled, byKey), 2 * estimateTokens(pretrain, byKey));
  assert.equal(estimateTokens(stageOf(plan, 'aggregate'), byKey), 0);
});

test('with one heavy slot, the pretraining starts before a fine-tune that does not need it', async (t) => {
  const study = await tinyStudy(t, { arms: ['dapt'], seeds: [1, 2] });
  withEnv(t, { DAPT_FAKE_MARKER: study.marker, DAPT_FAKE_STEPS: '2' });
  const plan = await planOf(study);
  const pretrain = stageOf(plan, 'pretrain', 'dapt');
  const firstHeavy = plan.stages.find((s) => s.kind === 'finetune' || s.kind === 'pretrain')!;
  assert.notEqual(firstHeavy.key, pretrain.key, 'in plan order a baseline fine-tune comes first, so the order below is the scheduler\'s choice');
  const executor = inProcessExecutor();
  const result = await new Scheduler(schedulerOptions(study, plan, { executor })).run();
  assert.equal(result.failures.length, 0);
  const started = executor.started.map((j) => j.key);
  const heavy = executor.started.filter((j) => j.heavy).map((j) => j.key);
  assert.equal(heavy[0], pretrain.key);
  for (const stage of plan.stages) for (const p of stage.parents) assert.ok(started.indexOf(p) < started.indexOf(stage.key), `${p} before ${stage.key}`);
});
