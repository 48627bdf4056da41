/**
 * Tiny studies for executor tests: data, a checkpoint stand-in and an experiment YAML in a temp
 * dir, plus helpers to run the real CLI on them with the fake trainer and to read what happened.
 * Everything made here is removed (and every process started here is killed) in `t.after`.
 */
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { Writable } from 'node:stream';
import { execa, type ResultPromise } from 'execa';
import { runCli } from '../../src/cli/main.ts';
import { loadStudy } from '../../src/study/load.ts';
import type { SchedulerOptions } from '../../src/execute/scheduler.ts';
import type { Plan, Stage, StageKind } from '../../src/plan/types.ts';
import { inProcessExecutor } from './_in-process.ts';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const daptBin = join(repo, 'bin', 'dapt.js');

export interface TinyStudy {
  dir: string;
  file: string;
  store: string;
  marker: string;
  /** Environment for the fake trainer (add DAPT_FAKE_* on top). */
  env: Record<string, string>;
}

export interface StudyShape {
  /** Arms besides the baseline: `dapt` (pretrain on the corpus), `tapt`. */
  arms?: Array<'dapt' | 'tapt'>;
  seeds?: number[];
  name?: string;
}

function yamlOf(shape: StudyShape): string {
  const arms = ['  baseline: []', ...(shape.arms ?? ['dapt']).map((a) => (a === 'dapt' ? '  dapt: [{ dapt: cs }]' : '  tapt: [tapt]'))];
  return [
    `name: ${shape.name ?? 'tiny'}`,
    'base: { checkpoint: ckpt }',
    'corpora:',
    '  cs: { path: corpora/cs, domain: cs }',
    'tasks:',
    '  t1: { path: tasks/t1, metric: macro_f1, domain: cs }',
    'defaults:',
    '  masking: { max_seq_length: 32 }',
    '  dapt: { optimizer: { batch_size: 4, max_steps: 10 } }',
    '  tapt: { optimizer: { batch_size: 4, epochs: 1 } }',
    'arms:',
    ...arms,
    `finetune: { lr: 1.0e-4, epochs: 1, max_seq_length: 32, seeds: [${(shape.seeds ?? [1]).join(', ')}] }`,
    // The executor's tests count stages: keep the report's linear rows out of them.
    'reference: false',
    'probe: false',
    '',
  ].join('\n');
}

export async function writeExperiment(study: TinyStudy, shape: StudyShape): Promise<void> {
  await writeFile(study.file, yamlOf(shape));
}

export async function tinyStudy(t: TestContext, shape: StudyShape = {}): Promise<TinyStudy> {
  const dir = await mkdtemp(join(tmpdir(), 'dapt-exec-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const data = join(dir, 'data');
  await mkdir(join(data, 'corpora'), { recursive: true });
  await mkdir(join(data, 'tasks', 't1'), { recursive: true });
  await mkdir(join(dir, 'ckpt'));
  const corpus = Array.from({ length: 20 }, (_, i) => `domain document ${i} about parsers graphs and compilers ${i * 7}`);
  await writeFile(join(data, 'corpora', 'cs.txt'), corpus.join('\n') + '\n');
  for (const split of ['train', 'dev', 'test']) {
    const rows = Array.from({ length: 8 }, (_, i) => JSON.stringify({ text: `${split} example ${i} label text ${i * 13}`, label: String(i % 2) }));
    await writeFile(join(data, 'tasks', 't1', `${split}.jsonl`), rows.join('\n') + '\n');
  }
  await writeFile(join(dir, 'ckpt', 'config.json'), '{"model_type":"bert"}');
  await writeFile(join(dir, 'ckpt', 'model.safetensors'), 'not real weights');
  await writeFile(join(dir, 'ckpt', 'tokenizer.json'), '{}');
  const study: TinyStudy = {
    dir,
    file: join(dir, 'exp.yaml'),
    store: join(dir, 'runs'),
    marker: join(dir, 'marker.txt'),
    env: { DAPT_DATA: data, DAPT_FAKE_MARKER: join(dir, 'marker.txt') },
  };
  await writeExperiment(study, shape);
  return study;
}

export async function planOf(study: TinyStudy): Promise<Plan> {
  const { plan } = await loadStudy({ files: [study.file], cwd: study.dir, env: study.env, storeDir: study.store, dataRootFlag: null });
  return plan;
}

export function stageOf(plan: Plan, kind: StageKind, titlePart = ''): Stage {
  const s = plan.stages.find((x) => x.kind === kind && x.title.includes(titlePart));
  if (!s) throw new Error(`no ${kind} stage with "${titlePart}" in the plan`);
  return s;
}

/** Starts `dapt run` (fake trainer) as a process; killed in t.after if still running. */
export function startRun(t: TestContext, study: TinyStudy, args: string[] = [], env: Record<string, string> = {}): ResultPromise<{ reject: false; all: true }> {
  const child = execa(process.execPath, [daptBin, 'run', study.file, '--store', study.store, '--trainer', 'fake', ...args], {
    cwd: study.dir,
    env: { ...study.env, ...env },
    reject: false,
    all: true,
  });
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await child.catch(() => undefined);
    await killStrays(study);
  });
  return child;
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  all: string;
}

function sink(onText: (text: string) => void): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      onText(String(chunk));
      done();
    },
  });
}

/**
 * Runs a dapt command in this process (stages still run as `dapt stage` child processes): the
 * runner's own start-up is paid once per test file instead of once per run.
 */
export async function cli(study: TinyStudy, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  let all = '';
  const exitCode = await runCli(args, {
    stdout: sink((text) => ((stdout += text), (all += text))),
    stderr: sink((text) => ((stderr += text), (all += text))),
    env: { ...process.env, ...study.env, ...env },
    cwd: study.dir,
  });
  return { exitCode, stdout, stderr, all };
}

/** `dapt run` of the study with the fake trainer, in this process. */
export function runInProcess(study: TinyStudy, args: string[] = [], env: Record<string, string> = {}): Promise<CliResult> {
  return cli(study, ['run', study.file, '--store', study.store, '--trainer', 'fake', ...args], env);
}

/** Stage processes of this study still alive after a test (their runner was killed): stop them. */
export async function killStrays(study: TinyStudy): Promise<void> {
  const stages = join(study.store, 'stages');
  let keys: string[] = [];
  try {
    keys = await readdir(stages);
  } catch {
    return;
  }
  for (const key of keys) {
    try {
      const lock = JSON.parse(await readFile(join(stages, key, 'lock'), 'utf8')) as { childPid?: number };
      if (lock.childPid) process.kill(-lock.childPid, 'SIGKILL');
    } catch {
      // no lock or already gone
    }
  }
}

export interface MarkerLine {
  event: 'start' | 'done';
  key: string;
  kind: string;
  fromStep: number | null;
}

export async function readMarker(study: TinyStudy): Promise<MarkerLine[]> {
  let text = '';
  try {
    text = await readFile(study.marker, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [event, key, kind, from] = line.split(' ');
      return { event: event as 'start' | 'done', key: key!, kind: kind!, fromStep: from === undefined ? null : Number(from) };
    });
}

export function count(lines: MarkerLine[], event: 'start' | 'done', key?: string): number {
  return lines.filter((l) => l.event === event && (key === undefined || l.key === key)).length;
}

/** Final metrics of every finished stage, without timings: what must not depend on interruptions. */
export async function finalMetrics(store: string): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  const stages = join(store, 'stages');
  for (const key of (await readdir(stages)).sort()) {
    const { metrics } = JSON.parse(await readFile(join(stages, key, 'metrics.json'), 'utf8')) as { metrics: Record<string, number> };
    const { wall_seconds: _w, ...rest } = metrics;
    out[key] = rest;
  }
  return out;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** In-process scheduler options for a tiny study run by the fake trainer; a test overrides what it exercises. */
export function schedulerOptions(study: TinyStudy, plan: Plan, overrides: Partial<SchedulerOptions> = {}): SchedulerOptions {
  return {
    plan,
    storeDir: study.store,
    executor: inProcessExecutor(),
    slots: { total: 1, heavy: 1 },
    retry: 0,
    force: new Set(),
    verify: false,
    specDefaults: { storeDir: study.store, dataRoot: study.env['DAPT_DATA']!, backend: 'auto', checkpointEverySeconds: 300, trainer: 'fake' },
    tracker: null,
    onEvent: () => undefined,
    ...overrides,
  };
}
