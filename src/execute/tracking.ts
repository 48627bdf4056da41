/**
 * MLflow for one `dapt run`: a parent run per experiment, a child run per stage (its attempts,
 * resumed or retried, continue one run) and per cached stage (tagged as a cache hit pointing at
 * the run that produced it, without copies of its results). Tracking must never stop training, so
 * every call here is guarded: a failure or a hang becomes a warning.
 */
import { userInfo } from 'node:os';
import { execa } from 'execa';
import type { Plan, Stage } from '../plan/types.ts';
import type { TrackingHandle } from '../track/types.ts';
import { openRunLogger, openTracking, type Tracking } from '../track/index.ts';
import type { Manifest } from '../store/manifest.ts';
import { flattenParams } from './params.ts';
import { settleProducedBy } from './produced-by.ts';
import { attemptTag, runToContinue } from './resume-run.ts';

const CALL_TIMEOUT_MS = 30_000;

export interface StudyTrackerOptions {
  storeDir: string;
  env: NodeJS.ProcessEnv;
  plan: Plan;
  /** Shown as `mlflow.source.name`. */
  source: string;
  backend: string;
  cwd: string;
  onWarning(message: string): void;
}

async function gitCommit(cwd: string): Promise<string | null> {
  const r = await execa('git', ['rev-parse', 'HEAD'], { cwd, reject: false, timeout: 5000 });
  return r.exitCode === 0 && typeof r.stdout === 'string' && r.stdout.trim() ? r.stdout.trim() : null;
}

function joined(values: Array<string | number | undefined>): string | undefined {
  const unique = [...new Set(values.filter((v) => v !== undefined).map(String))];
  return unique.length ? unique.join(',') : undefined;
}

export class StudyTracker {
  private readonly parents = new Map<string, TrackingHandle>();
  private commonTags: Record<string, string> = {};

  private constructor(
    private readonly tracking: Tracking,
    private readonly opts: StudyTrackerOptions,
  ) {}

  /** Opens tracking and starts the parent runs; null (with a warning) if tracking cannot start. */
  static async open(opts: StudyTrackerOptions): Promise<StudyTracker | null> {
    let tracking: Tracking;
    try {
      tracking = openTracking({ storeDir: opts.storeDir, env: opts.env, onWarning: (m) => opts.onWarning(`MLflow: ${m}`) });
    } catch (e) {
      opts.onWarning(`MLflow tracking is off for this run: ${(e as Error).message}`);
      return null;
    }
    const tracker = new StudyTracker(tracking, opts);
    await tracker.startParents();
    return tracker;
  }

  get uri(): string {
    return this.tracking.uri;
  }

  /** Each experiment's parent run (kept by executors whose stages outlive this process). */
  parentRuns(): Record<string, TrackingHandle> {
    return Object.fromEntries(this.parents);
  }

  private async guard<T>(what: string, call: () => Promise<T>): Promise<T | null> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        call(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer in ${CALL_TIMEOUT_MS / 1000} s`)), CALL_TIMEOUT_MS);
        }),
      ]);
    } catch (e) {
      this.opts.onWarning(`MLflow: ${what} failed (${(e as Error).message}); training goes on`);
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  private async startParents(): Promise<void> {
    const commit = await gitCommit(this.opts.cwd).catch(() => null);
    let user = 'unknown';
    try {
      user = userInfo().username;
    } catch {
      // no passwd entry (containers)
    }
    this.commonTags = {
      'mlflow.user': user,
      'mlflow.source.name': this.opts.source,
      'mlflow.source.type': 'LOCAL',
      'dapt.backend': this.opts.backend,
      ...(commit ? { 'mlflow.source.git.commit': commit } : {}),
    };
    const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    for (const experiment of this.opts.plan.experiments) {
      if (this.parents.has(experiment.name)) continue;
      const handle = await this.guard(`starting the run of ${experiment.name}`, () =>
        this.tracking.startRun({
          experiment: experiment.name,
          runName: `dapt run ${stamp}`,
          tags: { ...this.commonTags, 'mlflow.runName': `dapt run ${stamp}`, 'dapt.file': experiment.file },
        }),
      );
      if (handle) this.parents.set(experiment.name, handle);
    }
  }

  private experimentOf(stage: Stage): string {
    return stage.labels[0]?.experiment ?? this.opts.plan.experiments[0]?.name ?? 'dapt';
  }

  private stageTags(stage: Stage): Record<string, string> {
    const optional: Record<string, string | undefined> = {
      'dapt.arm': joined(stage.labels.map((l) => l.arm)),
      'dapt.task': joined(stage.labels.map((l) => l.task)),
      'dapt.seed': joined(stage.labels.map((l) => l.seed)),
      'dapt.point': joined(stage.labels.map((l) => l.point)),
      'dapt.phase': joined(stage.labels.map((l) => l.phase)),
      'dapt.corpus': joined(stage.labels.map((l) => l.corpus)),
    };
    const tags: Record<string, string> = {
      ...this.commonTags,
      'mlflow.runName': stage.title,
      'dapt.stage_key': stage.key,
      'dapt.kind': stage.kind,
    };
    for (const [k, v] of Object.entries(optional)) if (v !== undefined) tags[k] = v;
    return tags;
  }

  /**
   * MLflow params of a stage. The aggregate's cell lists are its result table's row keys, dozens
   * of `cells.N.*` params (or one long JSON value): they are in its `spec.json` and `results.json`
   * artifacts instead, with their counts as params.
   */
  private stageParams(stage: Stage): Record<string, string | number | boolean> {
    if (stage.kind !== 'aggregate') return flattenParams({ kind: stage.kind, ...stage.params });
    const { cells, mlm, ...rest } = stage.params;
    return flattenParams({ kind: stage.kind, ...rest, cells: cells.length, mlm: mlm.length });
  }

  private startChild(stage: Stage, extraTags: Record<string, string>): Promise<TrackingHandle | null> {
    const experiment = this.experimentOf(stage);
    const parent = this.parents.get(experiment);
    return this.guard(`starting the run of ${stage.title}`, () =>
      this.tracking.startRun({
        experiment,
        runName: stage.title,
        ...(parent ? { parent } : {}),
        tags: { ...this.stageTags(stage), ...extraTags },
        params: this.stageParams(stage),
      }),
    );
  }

  /**
   * The run a stage process logs into (put into its spec.json): the run of the stage's previous
   * attempt when it resumes (status back to RUNNING, `dapt.attempt` counting on), else a new one.
   * `_attemptInThisRun` is the executor's retry count; the tag counts attempts across `dapt run`s.
   */
  async startStage(stage: Stage, _attemptInThisRun: number): Promise<TrackingHandle | null> {
    const previous = await runToContinue(this.opts.storeDir, stage.key, this.tracking.uri).catch(() => null);
    if (previous) {
      const attempt = (previous.attempt ?? 1) + 1;
      await this.guard(`resuming the run of ${stage.title}`, () => this.tracking.resumeRun(previous, { 'dapt.attempt': String(attempt) }));
      return { ...previous, attempt };
    }
    const handle = await this.startChild(stage, { 'dapt.cache_hit': 'false', 'dapt.attempt': '1' });
    return handle ? { ...handle, attempt: 1 } : null;
  }

  /** A stage process that died without closing its run (killed, crashed): its attempt's outcome is a tag. */
  async finishStage(handle: TrackingHandle, status: 'FAILED' | 'KILLED'): Promise<void> {
    const tags = { [attemptTag(handle.attempt ?? 1)]: `${status}: the stage process ended without closing its run` };
    await this.guard('closing a stage run', () => this.tracking.finishRun(handle, status, undefined, tags));
  }

  /**
   * A stage that was already done: a finished child run pointing at its producer (a placeholder
   * is sent as the real run id once that run exists). It carries no copies of the producer's
   * metrics, so a metric search finds each result once.
   */
  async recordCached(stage: Stage, manifest: Manifest | null): Promise<void> {
    const producedBy = manifest?.producedBy;
    const handle = await this.startChild(stage, {
      'dapt.cache_hit': 'true',
      ...(producedBy ? { 'dapt.produced_by_run': producedBy.runId } : {}),
    });
    if (handle) await this.guard(`closing the cached run of ${stage.title}`, () => this.tracking.finishRun(handle, 'FINISHED'));
  }

  /** The report files as artifacts of each experiment's parent run. */
  async logReport(reports: ReadonlyArray<{ experiment: string; dir: string }>): Promise<void> {
    for (const r of reports) {
      const parent = this.parents.get(r.experiment);
      if (!parent) continue;
      await this.guard('uploading the report', async () => {
        const logger = openRunLogger(parent, { onWarning: (m) => this.opts.onWarning(`MLflow: ${m}`) });
        logger.artifact(r.dir, 'report');
        await logger.flush();
      });
    }
  }

  async finish(status: 'FINISHED' | 'FAILED' | 'KILLED'): Promise<void> {
    for (const handle of this.parents.values()) await this.guard('closing the run', () => this.tracking.finishRun(handle, status));
  }

  /** Replays the outbox, then gives manifests that recorded placeholders their real runs. */
  sync(): Promise<{ replayed: number; pending: number } | null> {
    return this.guard('replaying the outbox', async () => {
      const result = await this.tracking.sync();
      await settleProducedBy(this.opts.storeDir);
      return result;
    });
  }
}
