/**
 * The body of `dapt stage <spec.json>`: one stage in its own process, the same command locally
 * and on a cluster. Runs the stage's runner in work/, then writes metrics.json, the manifest
 * (last of the stage's files, atomically: from then on the stage is done) and `exitcode`.
 * A failure leaves no manifest and keeps work/, so the next attempt resumes from the checkpoint.
 * SIGINT/SIGTERM abort the runner (it checkpoints); a second signal exits at once.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { DaptError, isDaptError } from '../errors.ts';
import { STAGE_KINDS } from '../plan/types.ts';
import { loadRunner } from '../stages/registry.ts';
import { ProcessStageReporter } from '../stages/reporter.ts';
import type { StageSpec } from '../stages/types.ts';
import type { StageMetricsFile } from '../store/metrics-file.ts';
import { RESULTS_FILE } from '../report/results-file.ts';
import { openRunLogger, recordedRun, type RunLogger } from '../track/index.ts';
import { finalMetricPoints } from './final-metrics.ts';
import { pathsOfStageDir, type StagePaths } from '../store/layout.ts';
import { adoptLock, describeHolder, tryAcquireLock, type HeldLock } from './lock.ts';
import { verifyManifest, writeManifest, type ProducedBy } from '../store/manifest.ts';
import { attemptTag } from './resume-run.ts';

export const EXIT_INTERRUPTED = 130;
const TRACKING_TIMEOUT_MS = 30_000;
const PARENT_CHECK_MS = 1000;

export interface StageProcessIO {
  print(line: string): void;
  env: NodeJS.ProcessEnv;
  /** Installs signal handlers; returns a function removing them. Injected so tests need no real signals. */
  onSignal(handler: (signal: string) => void): () => void;
  /** Leaves the process now (second signal). */
  exitNow(code: number): void;
}

function invalid(path: string, what: string): DaptError {
  return new DaptError('DAPT_STAGE_SPEC_INVALID', `${path}: ${what}; it is written by \`dapt run\`, which rewrites it on the next run`);
}

export async function readStageSpec(path: string): Promise<StageSpec> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new DaptError('DAPT_FILE_NOT_FOUND', `stage spec not found: ${path}`);
    throw invalid(path, `not valid JSON (${(e as Error).message})`);
  }
  const spec = parsed as Partial<StageSpec> | null;
  if (typeof spec !== 'object' || spec === null) throw invalid(path, 'not a JSON object');
  for (const field of ['key', 'title', 'stageDir', 'storeDir', 'backend'] as const) {
    if (typeof spec[field] !== 'string') throw invalid(path, `"${field}" must be a string`);
  }
  if (!(STAGE_KINDS as readonly string[]).includes(spec.kind as string)) throw invalid(path, `"kind" must be one of ${STAGE_KINDS.join(', ')}`);
  if (typeof spec.params !== 'object' || spec.params === null) throw invalid(path, '"params" must be an object');
  if (!Array.isArray(spec.parents)) throw invalid(path, '"parents" must be a list');
  if (spec.trainer !== 'real' && spec.trainer !== 'fake') throw invalid(path, '"trainer" must be "real" or "fake"');
  return spec as StageSpec;
}

async function withTimeout(what: string, io: StageProcessIO, call: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      call(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${TRACKING_TIMEOUT_MS / 1000} s`)), TRACKING_TIMEOUT_MS);
      }),
    ]);
  } catch (e) {
    io.print(`warning: MLflow ${what} failed (${(e as Error).message}); the stage's results are kept`);
  } finally {
    clearTimeout(timer);
  }
}

async function takeLock(spec: StageSpec, paths: StagePaths, io: StageProcessIO): Promise<{ lock: HeldLock; own: boolean }> {
  const token = io.env['DAPT_STAGE_LOCK_TOKEN'];
  if (token) {
    const lock = await adoptLock(paths.lock, token);
    if (!lock) throw new DaptError('DAPT_LOCKED', `the lock of stage ${spec.key} is no longer held by the \`dapt run\` that started this process`);
    return { lock, own: false };
  }
  const got = await tryAcquireLock(paths.lock);
  if (!got.acquired) throw new DaptError('DAPT_LOCKED', `stage ${spec.key} is being run by ${describeHolder(got.holder)}; wait for it or stop it`);
  return { lock: got.lock, own: true };
}

function backendOf(spec: StageSpec, tags: Readonly<Record<string, string>>, details: Record<string, unknown>): string {
  if (spec.trainer === 'fake') return 'fake';
  if (tags['dapt.backend']) return tags['dapt.backend'];
  if (typeof details['backend'] === 'string') return details['backend'];
  return spec.kind === 'aggregate' ? 'none' : spec.backend;
}

/**
 * The run recorded in the manifest: under its real id if draining the outbox has created it since
 * the stage started; a placeholder still queued is settled by the next sync (produced-by.ts).
 */
async function producedByOf(spec: StageSpec): Promise<ProducedBy | null> {
  if (!spec.tracking) return null;
  const { runId, experimentId, uri } = spec.tracking;
  const run = await recordedRun(spec.storeDir, { runId, experimentId }).catch(() => null);
  return run?.state === 'logged' ? { runId: run.runId, experimentId: run.experimentId, uri } : { runId, experimentId, uri };
}

/** Runs the stage described by `specPath`; returns the process exit code (also written to `exitcode`). */
export async function runStageProcess(specPath: string, io: StageProcessIO): Promise<number> {
  const spec = await readStageSpec(specPath);
  const paths = pathsOfStageDir(spec.stageDir);
  await mkdir(paths.dir, { recursive: true });
  const { lock, own } = await takeLock(spec, paths, io);
  const writeExitCode = (code: number) => writeFileSync(paths.exitcode, `${code}\n`);

  const controller = new AbortController();
  let signals = 0;
  const removeSignals = io.onSignal((signal) => {
    signals += 1;
    if (signals === 1) {
      io.print(`${signal}: checkpointing and stopping (a second signal stops at once)`);
      controller.abort();
      return;
    }
    io.print(`${signal} again: stopping now`);
    writeExitCode(EXIT_INTERRUPTED);
    io.exitNow(EXIT_INTERRUPTED);
  });
  // Under `dapt run`, a stage whose runner died (kill -9) stops too: nobody would watch it.
  const parentPid = Number(io.env['DAPT_PARENT_PID']);
  const watchdog = Number.isInteger(parentPid) && parentPid > 0
    ? setInterval(() => {
        if (process.ppid !== parentPid && !controller.signal.aborted) {
          io.print('the `dapt run` that started this stage is gone: checkpointing and stopping');
          controller.abort();
        }
      }, PARENT_CHECK_MS)
    : null;
  watchdog?.unref();

  let logger: RunLogger | null = null;
  try {
    if ((await verifyManifest(paths)).ok) {
      io.print(`stage ${spec.key} (${spec.title}) is already done`);
      writeExitCode(0);
      return 0;
    }
    await rm(paths.exitcode, { force: true });
    await mkdir(paths.work, { recursive: true });
    if (spec.tracking) {
      try {
        logger = openRunLogger(spec.tracking, { onWarning: (m) => io.print(`warning: MLflow: ${m}`) });
      } catch (e) {
        io.print(`warning: MLflow logging is off for this stage (${(e as Error).message})`);
      }
    }
    const reporter = new ProcessStageReporter({ progressPath: paths.progress, print: io.print, logger });
    const startedAt = new Date();
    io.print(`stage ${spec.key}: ${spec.title} (${spec.kind}, trainer ${spec.trainer}) started in ${paths.work}`);

    let outcome;
    try {
      const runner = await loadRunner(spec.kind, spec.trainer);
      const parents = Object.fromEntries(spec.parents.map((p) => [p.key, p]));
      outcome = await runner.run({ spec, workDir: paths.work, parents, reporter, signal: controller.signal });
    } finally {
      await reporter.close();
    }

    const finishedAt = new Date();
    const details = outcome.details ?? {};
    const metrics = { ...outcome.metrics, wall_seconds: (finishedAt.getTime() - startedAt.getTime()) / 1000 };
    const file: StageMetricsFile = {
      key: spec.key,
      kind: spec.kind,
      title: spec.title,
      metrics,
      details,
      backend: backendOf(spec, reporter.runnerTags, details),
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
    };
    await writeFileAtomic(paths.metrics, JSON.stringify(file, null, 2) + '\n');
    await writeManifest(paths, { key: spec.key, kind: spec.kind, producedBy: await producedByOf(spec) });
    io.print(`stage ${spec.key} done in ${metrics.wall_seconds.toFixed(1)} s`);
    if (logger) {
      const l = logger;
      const final = finalMetricPoints(metrics, reporter.series);
      await withTimeout('final logging', io, async () => {
        l.metrics(final.step, final.values);
        l.artifact(paths.spec);
        l.artifact(paths.metrics);
        // The aggregate's result table: one artifact rather than dozens of params.
        if (spec.kind === 'aggregate') l.artifact(join(paths.work, RESULTS_FILE));
        await l.finish('FINISHED');
      });
    }
    writeExitCode(0);
    return 0;
  } catch (e) {
    const interrupted = controller.signal.aborted || (isDaptError(e) && e.code === 'DAPT_INTERRUPTED');
    if (isDaptError(e)) io.print(`error [${e.code}]: ${e.message}`);
    else io.print(`error: ${(e as Error)?.stack ?? String(e)}`);
    if (logger && spec.tracking) {
      const l = logger;
      const status = interrupted ? 'KILLED' : 'FAILED';
      // The run outlives this attempt (a resumed or retried stage continues it): say how it ended.
      l.tags({ [attemptTag(spec.tracking.attempt ?? 1)]: `${status}: ${e instanceof Error ? e.message : String(e)}` });
      await withTimeout('closing the run', io, () => l.finish(status));
    }
    const code = interrupted ? EXIT_INTERRUPTED : 1;
    writeExitCode(code);
    return code;
  } finally {
    if (watchdog) clearInterval(watchdog);
    removeSignals();
    if (own) await lock.release().catch(() => undefined);
  }
}
