/** The fake trainer: deterministic, resumable, outputs named like the real ones, failures on demand. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { buildStageSpec } from '../../src/execute/spec.ts';
import type { Plan, Stage } from '../../src/plan/types.ts';
import { fakeRunner } from '../../src/stages/fake.ts';
import type { StageContext, StageOutcome, StageReporter } from '../../src/stages/types.ts';
import { withEnv } from '../execute/_in-process.ts';
import { planOf, stageOf, tinyStudy } from '../execute/_study.ts';

const quiet: StageReporter = { metrics() {}, params() {}, tags() {}, progress() {}, log() {} };

async function contextFor(t: TestContext, plan: Plan, stage: Stage, opts: { signal?: AbortSignal; parentDigests?: Record<string, string>; reporter?: StageReporter } = {}): Promise<StageContext> {
  const store = await mkdtemp(join(tmpdir(), 'dapt-fake-'));
  t.after(() => rm(store, { recursive: true, force: true }));
  const kinds = new Map(plan.stages.map((s) => [s.key, s.kind]));
  const spec = buildStageSpec(stage, kinds, { storeDir: store, dataRoot: '/data', backend: 'auto', checkpointEverySeconds: 300, trainer: 'fake' }, null);
  for (const p of spec.parents) {
    await mkdir(p.dir, { recursive: true });
    await writeFile(join(p.dir, 'fake-digest.txt'), opts.parentDigests?.[p.key] ?? `digest-of-${p.key}\n`);
  }
  const workDir = join(spec.stageDir, 'work');
  await mkdir(workDir, { recursive: true });
  return {
    spec,
    workDir,
    parents: Object.fromEntries(spec.parents.map((p) => [p.key, p])),
    reporter: opts.reporter ?? quiet,
    signal: opts.signal ?? new AbortController().signal,
  };
}

async function filesOf(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || e.name === 'fake-state.json') continue;
    const path = join(e.parentPath, e.name);
    out[path.slice(dir.length + 1)] = (await readFile(path)).toString('hex');
  }
  return out;
}

async function runOnce(ctx: StageContext): Promise<StageOutcome> {
  return fakeRunner(ctx.spec.kind).run(ctx);
}

test('outputs carry the real names, and metrics are deterministic in [0, 1]', async (t) => {
  withEnv(t, { DAPT_FAKE_STEPS: '3', DAPT_FAKE_FAIL: '', DAPT_FAKE_MARKER: '' });
  const plan = await planOf(await tinyStudy(t, { arms: ['dapt'] }));
  const pretrain = await contextFor(t, plan, stageOf(plan, 'pretrain'));
  const p = await runOnce(pretrain);
  assert.deepEqual(Object.keys(await filesOf(pretrain.workDir)).sort(), ['curves.jsonl', 'fake-digest.txt', 'model/config.json', 'model/model.safetensors', 'model/tokenizer.json']);
  assert.ok(p.metrics['heldout_perplexity']! > 1);

  const finetune = await contextFor(t, plan, stageOf(plan, 'finetune'));
  await runOnce(finetune);
  assert.ok(Object.keys(await filesOf(finetune.workDir)).includes('labels.json'));

  const evaluate = await contextFor(t, plan, stageOf(plan, 'evaluate'));
  const e = await runOnce(evaluate);
  for (const split of ['dev', 'test']) for (const m of ['accuracy', 'micro_f1', 'macro_f1']) {
    const v = e.metrics[`${split}_${m}`]!;
    assert.ok(v >= 0 && v <= 1, `${split}_${m} = ${v}`);
  }
  const again = await contextFor(t, plan, stageOf(plan, 'evaluate'));
  assert.deepEqual((await runOnce(again)).metrics, e.metrics);
  assert.deepEqual(await filesOf(again.workDir), await filesOf(evaluate.workDir));
});

test("a stage's outputs depend on its parents' outputs", async (t) => {
  withEnv(t, { DAPT_FAKE_STEPS: '3', DAPT_FAKE_FAIL: '', DAPT_FAKE_MARKER: '' });
  const plan = await planOf(await tinyStudy(t, { arms: [] }));
  const evaluate = stageOf(plan, 'evaluate');
  const a = await runOnce(await contextFor(t, plan, evaluate));
  const b = await runOnce(await contextFor(t, plan, evaluate, { parentDigests: Object.fromEntries(evaluate.parents.map((k) => [k, 'other\n'])) }));
  assert.notDeepEqual(a.metrics, b.metrics);
});

test('interrupted mid-way, it keeps its checkpoint and a resumed run ends exactly like an uninterrupted one', async (t) => {
  withEnv(t, { DAPT_FAKE_STEPS: '8', DAPT_FAKE_FAIL: '', DAPT_FAKE_MARKER: '' });
  const plan = await planOf(await tinyStudy(t, { arms: ['dapt'] }));
  const stage = stageOf(plan, 'pretrain');
  const reference = await contextFor(t, plan, stage);
  const expected = await runOnce(reference);

  const controller = new AbortController();
  const steps: number[] = [];
  const reporter: StageReporter = { ...quiet, progress: (done) => { steps.push(done); if (done === 3) controller.abort(); } };
  const ctx = await contextFor(t, plan, stage, { signal: controller.signal, reporter });
  await assert.rejects(runOnce(ctx), (e: Error & { code?: string }) => e.code === 'DAPT_INTERRUPTED');
  assert.equal(JSON.parse(await readFile(join(ctx.workDir, 'checkpoint', 'fake-state.json'), 'utf8')).step, 3);

  const resumedSteps: number[] = [];
  const resumed = await runOnce({ ...ctx, signal: new AbortController().signal, reporter: { ...quiet, progress: (d) => resumedSteps.push(d) } });
  assert.deepEqual(resumedSteps, [4, 5, 6, 7, 8]);
  assert.deepEqual(resumed.metrics, expected.metrics);
  assert.deepEqual(await filesOf(ctx.workDir), await filesOf(reference.workDir));
});

test('DAPT_FAKE_FAIL fails stages by kind or title, DAPT_FAKE_FAIL_TIMES only the first attempts', async (t) => {
  withEnv(t, { DAPT_FAKE_STEPS: '4', DAPT_FAKE_FAIL: 'finetune', DAPT_FAKE_MARKER: '', DAPT_FAKE_FAIL_TIMES: '' });
  const plan = await planOf(await tinyStudy(t, { arms: ['dapt'] }));
  await assert.rejects(runOnce(await contextFor(t, plan, stageOf(plan, 'finetune'))), /failure injected by DAPT_FAKE_FAIL=finetune/);
  await runOnce(await contextFor(t, plan, stageOf(plan, 'evaluate')));

  process.env['DAPT_FAKE_FAIL'] = 'dapt(cs)';
  process.env['DAPT_FAKE_FAIL_TIMES'] = '1';
  const ctx = await contextFor(t, plan, stageOf(plan, 'pretrain'));
  await assert.rejects(runOnce(ctx), /failure injected/);
  const outcome = await runOnce(ctx);
  assert.ok(outcome.metrics['final_loss']! > 0, 'the second attempt succeeds');
});
