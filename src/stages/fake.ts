/**
 * The fake trainer (tests only; `dapt run --trainer fake`): deterministic runners for every
 * stage kind that take milliseconds, so the executor's cache, resume, failure and concurrency
 * paths are tested without TF.js. Each "training" stage walks a hash chain seeded by its key and
 * its parents' outputs, checkpointing after every step, so an interrupted and resumed stage ends
 * with exactly the outputs of an uninterrupted one. Outputs carry the real file names.
 *
 * Environment:
 *   DAPT_FAKE_STEPS       steps per stage (default 5)
 *   DAPT_FAKE_STEP_MS     milliseconds per step (default 0)
 *   DAPT_FAKE_FAIL        fail stages whose kind equals it or whose title contains it
 *   DAPT_FAKE_FAIL_TIMES  fail only the first N attempts of such a stage (default: always)
 *   DAPT_FAKE_MARKER      file to append `start <key> <kind> <from-step>` / `done <key> <kind>` to
 *
 * The aggregate stage does no training: the fake one is the real runner behind the failure hook.
 */
import { createHash } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import writeFileAtomic from 'write-file-atomic';
import { InterruptedError, StageFailedError } from '../errors.ts';
import type { StageKind } from '../plan/types.ts';
import type { StageContext, StageOutcome, StageRunner } from './types.ts';
import { workOutputs } from '../store/layout.ts';

const DIGEST_FILE = 'fake-digest.txt';

interface FakeSettings {
  steps: number;
  stepMs: number;
  fail: string | null;
  failTimes: number;
  marker: string | null;
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new StageFailedError(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

function settings(): FakeSettings {
  return {
    steps: Math.max(1, intFromEnv('DAPT_FAKE_STEPS', 5)),
    stepMs: intFromEnv('DAPT_FAKE_STEP_MS', 0),
    fail: process.env['DAPT_FAKE_FAIL'] || null,
    failTimes: intFromEnv('DAPT_FAKE_FAIL_TIMES', Number.MAX_SAFE_INTEGER),
    marker: process.env['DAPT_FAKE_MARKER'] || null,
  };
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A number in [0, 1) from a digest and a label. */
function unit(digest: string, label: string): number {
  return parseInt(sha(`${digest}:${label}`).slice(0, 12), 16) / 2 ** 48;
}

function mark(s: FakeSettings, line: string): void {
  if (s.marker) appendFileSync(s.marker, `${line}\n`);
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/** Seed of the chain: the key plus every parent's final digest, so outputs depend on inputs. */
async function seedDigest(ctx: StageContext): Promise<string> {
  const parts = [ctx.spec.key];
  for (const p of [...ctx.spec.parents].sort((a, b) => a.key.localeCompare(b.key))) {
    const digest = await readText(join(p.dir, DIGEST_FILE));
    if (digest === null) throw new StageFailedError(`fake ${ctx.spec.kind}: parent ${p.key} has no ${DIGEST_FILE} in ${p.dir}`);
    parts.push(`${p.key}=${digest.trim()}`);
  }
  return sha(parts.join('\n'));
}

async function maybeFail(ctx: StageContext, s: FakeSettings): Promise<void> {
  const { kind, title } = ctx.spec;
  if (!s.fail || !(kind === s.fail || title.includes(s.fail))) return;
  const counter = join(ctx.workDir, 'fake-failures.txt');
  const failures = Number((await readText(counter)) ?? '0');
  if (failures >= s.failTimes) return;
  await writeFile(counter, String(failures + 1));
  throw new StageFailedError(`fake ${kind} "${title}": failure injected by DAPT_FAKE_FAIL=${s.fail}`);
}

interface Checkpoint {
  step: number;
  digest: string;
  losses: number[];
}

/** The step loop: a hash chain with a checkpoint after every step. Returns the final digest. */
async function train(ctx: StageContext, s: FakeSettings): Promise<Checkpoint> {
  const checkpointDir = workOutputs(ctx.workDir).checkpoint;
  const checkpointPath = join(checkpointDir, 'fake-state.json');
  await mkdir(checkpointDir, { recursive: true });
  const saved = await readText(checkpointPath);
  let state: Checkpoint = saved ? (JSON.parse(saved) as Checkpoint) : { step: 0, digest: await seedDigest(ctx), losses: [] };
  if (state.step > 0) ctx.reporter.log(`resuming from checkpoint at step ${state.step}`);
  mark(s, `start ${ctx.spec.key} ${ctx.spec.kind} ${state.step}`);
  const failAt = Math.ceil(s.steps / 2);
  while (state.step < s.steps) {
    if (ctx.signal.aborted) throw new InterruptedError(`stopped at step ${state.step}; the checkpoint is kept`);
    if (s.stepMs > 0) await delay(s.stepMs, undefined, { signal: ctx.signal }).catch(() => undefined);
    if (ctx.signal.aborted) throw new InterruptedError(`stopped at step ${state.step}; the checkpoint is kept`);
    const step = state.step + 1;
    if (step === failAt) await maybeFail(ctx, s);
    const digest = sha(`${state.digest}:${step}`);
    const loss = (2 + unit(digest, 'loss')) / (1 + step);
    state = { step, digest, losses: [...state.losses, loss] };
    await writeFileAtomic(checkpointPath, JSON.stringify(state));
    ctx.reporter.metrics(step, { loss, lr: 1e-4 * (1 - step / (s.steps + 1)) });
    ctx.reporter.progress(step, s.steps);
  }
  await writeFile(join(ctx.workDir, DIGEST_FILE), state.digest + '\n');
  return state;
}

async function writeCurves(ctx: StageContext, state: Checkpoint): Promise<void> {
  const lines = state.losses.map((loss, i) => JSON.stringify({ step: i + 1, loss, lr: 1e-4, tokens_per_s: 1000 }));
  await writeFile(workOutputs(ctx.workDir).curves, lines.join('\n') + '\n');
}

async function writeFakeModel(ctx: StageContext, digest: string): Promise<void> {
  const dir = workOutputs(ctx.workDir).model;
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), JSON.stringify({ fake: true, stage: ctx.spec.key, digest }, null, 2));
  await writeFile(join(dir, 'model.safetensors'), Buffer.from(sha(`weights:${digest}`).repeat(4), 'hex'));
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify({ fake: true }));
}

const kindRuns: Record<Exclude<StageKind, 'aggregate'>, (ctx: StageContext, s: FakeSettings) => Promise<StageOutcome>> = {
  async pretrain(ctx, s) {
    const state = await train(ctx, s);
    await writeFakeModel(ctx, state.digest);
    await writeCurves(ctx, state);
    const heldout = state.losses.at(-1)! * 1.1;
    return {
      metrics: { steps: state.step, tokens: state.step * 512, final_loss: state.losses.at(-1)!, heldout_loss: heldout, heldout_perplexity: Math.exp(heldout) },
    };
  },

  async select(ctx, s) {
    const state = await train(ctx, s);
    const k = ctx.spec.kind === 'select' ? ctx.spec.params.k : 1;
    const docs = Array.from({ length: k }, (_, i) => `fake document ${i} ${sha(`${state.digest}:${i}`).slice(0, 16)}`);
    await writeFile(workOutputs(ctx.workDir).selected, docs.join('\n') + '\n');
    await writeFile(join(ctx.workDir, 'provenance.jsonl'), docs.map((_, i) => JSON.stringify({ doc: i, query: i % 3 })).join('\n') + '\n');
    return { metrics: { selected_docs: k, pool_docs: 10 * k, queries: 3 } };
  },

  async finetune(ctx, s) {
    const state = await train(ctx, s);
    await writeFakeModel(ctx, state.digest);
    await writeFile(workOutputs(ctx.workDir).labels, JSON.stringify(['negative', 'positive']));
    await writeCurves(ctx, state);
    const metric = ctx.spec.kind === 'finetune' ? ctx.spec.params.metric : 'accuracy';
    return {
      metrics: {
        steps: state.step,
        tokens: state.step * 256,
        epochs_run: state.step,
        best_epoch: 1 + Math.floor(unit(state.digest, 'best') * state.step),
        [`best_dev_${metric}`]: unit(state.digest, 'dev'),
        resamples: 0,
      },
    };
  },

  async evaluate(ctx, s) {
    const state = await train(ctx, s);
    const params = ctx.spec.kind === 'evaluate' ? ctx.spec.params : null;
    if (params?.target === 'mlm') {
      const loss = 1 + 3 * unit(state.digest, 'mlm');
      await writeFile(join(ctx.workDir, 'predictions.jsonl'), '');
      return { metrics: { mlm_loss: loss, perplexity: Math.exp(loss), masked_tokens: 1000 } };
    }
    const splits = params?.target === 'classifier' ? params.splits : ['dev', 'test'];
    const metrics: Record<string, number> = {};
    if (params?.target === 'probe') {
      for (const pooling of ['mean', 'cls']) {
        for (const split of splits) for (const m of ['accuracy', 'micro_f1', 'macro_f1']) metrics[`${pooling}_${split}_${m}`] = unit(state.digest, `${pooling}:${split}:${m}`);
      }
      return { metrics };
    }
    const perClassF1: Record<string, Record<string, number>> = {};
    for (const split of splits) {
      for (const m of ['accuracy', 'micro_f1', 'macro_f1']) metrics[`${split}_${m}`] = unit(state.digest, `${split}:${m}`);
      perClassF1[split] = { negative: unit(state.digest, `${split}:neg`), positive: unit(state.digest, `${split}:pos`) };
    }
    const predictions = Array.from({ length: 4 }, (_, i) => JSON.stringify({ index: i, label: unit(state.digest, `p${i}`) < 0.5 ? 'negative' : 'positive' }));
    await writeFile(join(ctx.workDir, 'predictions.jsonl'), predictions.join('\n') + '\n');
    return { metrics, details: { perClassF1 } };
  },
};

async function runAggregate(ctx: StageContext, s: FakeSettings): Promise<StageOutcome> {
  const real = (await import('./aggregate.ts')).runner;
  mark(s, `start ${ctx.spec.key} aggregate 0`);
  await maybeFail(ctx, s);
  const outcome = await real.run(ctx);
  await writeFile(join(ctx.workDir, DIGEST_FILE), (await seedDigest(ctx)) + '\n');
  return outcome;
}

/** The fake runner of a kind. */
export function fakeRunner(kind: StageKind): StageRunner {
  return {
    kind,
    async run(ctx) {
      const s = settings();
      const outcome = kind === 'aggregate' ? await runAggregate(ctx, s) : await kindRuns[kind](ctx, s);
      mark(s, `done ${ctx.spec.key} ${kind}`);
      return outcome;
    },
  };
}
