/**
 * A plan's DAG on Slurm. Unlike the local Scheduler, which starts a stage when its parents have
 * finished, this submits every stage that is not done at once, each as one job that waits for its
 * parents' jobs (`afterok`, so Slurm cancels the dependents of a failed job), then follows the
 * jobs. Done stages are not submitted and nobody waits on them. A stage another run holds is
 * waited for; its dependents are submitted once it is free (done, or ours to run).
 *
 * Each submitted stage's lock records the job id: the lock lives as long as the job, whether or
 * not this process keeps following it (`detach`). Retries resubmit the failed stage and the
 * dependents Slurm cancelled; they resume from their checkpoints.
 */
import { appendFile, mkdir, rm } from 'node:fs/promises';
import type { Stage, StageKey, StageKind } from '../../plan/types.ts';
import type { TrackingHandle } from '../../stages/types.ts';
import { findDoneStages, recordCachedStage } from '../cached.ts';
import { isHeavy } from '../concurrency.ts';
import { stagePaths } from '../layout.ts';
import { describeHolder, lockStatus, tryAcquireLock, type HeldLock } from '../lock.ts';
import type { SchedulerOptions } from '../scheduler.ts';
import { buildStageSpec, writeStageSpec } from '../spec.ts';
import { invalidateStage, stageState } from '../store.ts';
import type { DagRun, ExecutionResult, StageFailure, StageRunState } from '../types.ts';
import { observeJobs, settleEndedJob, type JobSighting } from './observe.ts';
import { checkSharedStore } from './probe.ts';
import { newRecord, removeRecord, writeRecord, type SubmissionRecord } from './record.ts';
import { stageSbatchArgs, stageScript } from './sbatch.ts';
import { stageResources } from './settings.ts';
import { isStuckReason } from './states.ts';
import type { SlurmClient, SlurmSettings } from './types.ts';

export interface SlurmDagDeps {
  client: SlurmClient;
  settings: SlurmSettings;
  /** `[node, <repo>/bin/dapt.js]`, as the nodes must see them. */
  daptCommand: readonly string[];
}

interface Entry {
  stage: Stage;
  state: StageRunState;
  attempt: number;
  mustInvalidate: boolean;
  parents: Entry[];
  children: Entry[];
  /** The job standing for this stage until it is seen to end. */
  jobId: string | null;
  lock: HeldLock | null;
  tracking: TrackingHandle | null;
  /** The stuck pending reason already warned about. */
  warned: string | null;
}

const FINISHED: ReadonlySet<StageRunState> = new Set(['cached', 'done']);
/** The store check is mentioned only if it waits in the queue this long. */
const PROBE_QUIET_MS = 10_000;

export class SlurmDagRun implements DagRun {
  private readonly entries: Entry[];
  private readonly kinds = new Map<StageKey, StageKind>();
  private readonly failures: StageFailure[] = [];
  private readonly background: Array<Promise<unknown>> = [];
  private record: SubmissionRecord | null = null;
  private recordDirty = false;
  private stopping = false;
  private cancelled = false;
  private detached = false;
  private queueFailing = false;
  private wakeUp: (() => void) | null = null;
  private woken = false;

  constructor(
    private readonly opts: SchedulerOptions,
    private readonly deps: SlurmDagDeps,
  ) {
    const byKey = new Map<StageKey, Entry>();
    this.entries = opts.plan.stages.map((stage) => {
      const e: Entry = { stage, state: 'pending', attempt: 1, mustInvalidate: opts.force.has(stage.key), parents: [], children: [], jobId: null, lock: null, tracking: null, warned: null };
      byKey.set(stage.key, e);
      this.kinds.set(stage.key, stage.kind);
      return e;
    });
    for (const e of this.entries) {
      for (const key of e.stage.parents) {
        const parent = byKey.get(key);
        if (!parent) throw new Error(`stage ${e.stage.key} depends on ${key}, which is not in the plan`);
        e.parents.push(parent);
        parent.children.push(e);
      }
    }
  }

  /** Ctrl-C, answered "cancel": scancel every job; running stages get SIGTERM and checkpoint. */
  interrupt(): void {
    this.stopping = true;
    this.cancelled = true;
    this.background.push(this.cancelJobs(false));
    this.wake();
  }

  /** Second Ctrl-C: kill running jobs at once. */
  kill(): void {
    this.stopping = true;
    this.cancelled = true;
    this.background.push(this.cancelJobs(true));
    this.wake();
  }

  /** Leave the jobs running and return once everything submittable is submitted. */
  detach(): void {
    this.detached = true;
    this.wake();
  }

  async run(): Promise<ExecutionResult> {
    await this.markCached();
    if (this.entries.some((e) => e.state === 'pending') && !this.stopping) await this.checkStore();
    for (;;) {
      if (!this.stopping) {
        await this.pollLocks();
        await this.submitReady();
      }
      await this.saveRecord();
      if (this.detached) break;
      await this.pollJobs();
      const watching = this.entries.some((e) => e.jobId !== null);
      if (!watching && (this.stopping || (!this.anySubmittable() && !this.entries.some((e) => e.state === 'locked')))) break;
      await this.sleep(this.deps.settings.pollMs);
    }
    await Promise.all(this.background);
    const detached = this.detached && this.entries.some((e) => e.jobId !== null);
    for (const e of this.entries) {
      if (e.jobId !== null && detached) continue;
      // Not submitted (a retry not yet resubmitted, a job we never saw end): nothing runs for it.
      if (e.tracking) await this.opts.tracker?.finishStage(e.tracking, 'KILLED');
      e.tracking = null;
      await this.release(e);
    }
    if (this.record && detached) {
      this.record.detached = true;
      await writeRecord(this.opts.storeDir, this.record);
    } else if (this.record) {
      await removeRecord(this.opts.storeDir, this.record.id);
    }
    return {
      states: new Map(this.entries.map((e) => [e.stage.key, e.state])),
      failures: this.failures,
      interrupted: this.stopping,
      ...(detached ? { detached: true } : {}),
    };
  }

  private setState(e: Entry, state: StageRunState, detail?: string): void {
    e.state = state;
    this.opts.onEvent({ type: 'state', stage: e.stage, state, attempt: e.attempt, ...(detail ? { detail } : {}) });
  }

  private warn(message: string): void {
    this.opts.onEvent({ type: 'warning', message });
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    if (w) w();
    else this.woken = true;
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake(), ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private canSubmit(e: Entry): boolean {
    return e.state === 'pending' && e.jobId === null && e.parents.every((p) => FINISHED.has(p.state) || (p.jobId !== null && (p.state === 'pending' || p.state === 'running')));
  }

  private anySubmittable(): boolean {
    return this.entries.some((e) => this.canSubmit(e));
  }

  private async markCached(): Promise<void> {
    const candidates = this.entries.filter((e) => !e.mustInvalidate);
    const done = await findDoneStages(this.opts.storeDir, candidates.map((e) => e.stage), { full: this.opts.verify });
    for (const e of candidates) if (done.has(e.stage.key)) this.markDoneElsewhere(e);
  }

  private markDoneElsewhere(e: Entry, detail?: string): void {
    this.setState(e, 'cached', detail);
    const tracker = this.opts.tracker;
    if (tracker) this.background.push(recordCachedStage(tracker, this.opts.storeDir, e.stage));
  }

  private async checkStore(): Promise<void> {
    const started = Date.now();
    await checkSharedStore({
      client: this.deps.client,
      storeDir: this.opts.storeDir,
      settings: this.deps.settings,
      mustExist: this.deps.daptCommand.slice(0, 2),
      stopped: () => this.stopping,
      wait: (ms) => this.sleep(ms),
      onStatus: (message) => {
        if (Date.now() - started > PROBE_QUIET_MS) this.warn(`${message}; stages are submitted once it has run`);
      },
    });
  }

  private async pollLocks(): Promise<void> {
    for (const e of this.entries) {
      if (e.state !== 'locked') continue;
      const status = await lockStatus(stagePaths(this.opts.storeDir, e.stage.key).lock);
      if (status.state !== 'held') e.state = 'pending';
    }
  }

  private async submitReady(): Promise<void> {
    // Topological order: a parent is submitted before its children in the same pass.
    for (const e of this.entries) {
      if (this.stopping) return;
      if (this.canSubmit(e)) await this.submit(e);
    }
  }

  private async submit(e: Entry): Promise<void> {
    const { stage } = e;
    const paths = stagePaths(this.opts.storeDir, stage.key);
    try {
      if (!e.lock) {
        await mkdir(paths.dir, { recursive: true });
        const got = await tryAcquireLock(paths.lock, { executor: 'slurm' });
        if (!got.acquired) {
          this.setState(e, 'locked', `waiting for ${describeHolder(got.holder)}`);
          return;
        }
        e.lock = got.lock;
        if (e.mustInvalidate) {
          await invalidateStage(this.opts.storeDir, stage.key);
          e.mustInvalidate = false;
        } else if ((await stageState(this.opts.storeDir, stage.key)) === 'done') {
          await this.release(e);
          this.markDoneElsewhere(e, 'finished by another run');
          return;
        }
      }
      const dependencies = e.parents.filter((p) => p.jobId !== null && !FINISHED.has(p.state)).map((p) => p.jobId!);
      e.tracking = this.opts.tracker ? await this.opts.tracker.startStage(stage, e.attempt) : null;
      await writeStageSpec(buildStageSpec(stage, this.kinds, this.opts.specDefaults, e.tracking));
      await rm(paths.exitcode, { force: true });
      await appendFile(paths.log, `=== ${stage.title}: attempt ${e.attempt}, submitted to Slurm ${new Date().toISOString()} ===\n`);
      const { settings } = this.deps;
      const jobId = await this.deps.client.submit({
        args: stageSbatchArgs({ key: stage.key, title: stage.title, stageDir: paths.dir, logPath: paths.log, resources: stageResources(settings, stage.kind, isHeavy(stage)), dependencies }, settings),
        script: stageScript({
          key: stage.key,
          title: stage.title,
          attempt: e.attempt,
          command: [...this.deps.daptCommand, 'stage', paths.spec],
          parentManifests: e.parents.map((p) => stagePaths(this.opts.storeDir, p.stage.key).manifest),
          setup: settings.setup,
          env: { DAPT_STAGE_LOCK_TOKEN: e.lock.token },
        }),
        env: {},
      });
      e.jobId = jobId;
      await e.lock.update({ extra: { executor: 'slurm', jobId } }).catch(() => undefined);
      this.record ??= newRecord(this.opts.tracker?.parentRuns() ?? {});
      this.record.stages[stage.key] = { jobId, tracking: e.tracking };
      this.recordDirty = true;
      this.setState(e, 'pending', `submitted as Slurm job ${jobId}${dependencies.length ? ` (after ${dependencies.join(', ')})` : ''}`);
    } catch (err) {
      if (e.tracking) await this.opts.tracker?.finishStage(e.tracking, 'FAILED');
      e.tracking = null;
      await this.release(e);
      this.fail(e, `could not submit it: ${(err as Error).message}`);
    }
  }

  private async saveRecord(): Promise<void> {
    if (!this.record || !(this.recordDirty || this.detached)) return;
    this.recordDirty = false;
    await writeRecord(this.opts.storeDir, { ...this.record, detached: this.detached }).catch((err: Error) => this.warn(`could not write the submission record: ${err.message}`));
  }

  private async pollJobs(): Promise<void> {
    const watched = this.entries.filter((e) => e.jobId !== null);
    if (watched.length === 0) return;
    let seen: Map<string, JobSighting>;
    try {
      seen = await observeJobs(this.deps.client, watched.map((e) => e.jobId!));
      this.queueFailing = false;
    } catch (err) {
      if (!this.queueFailing) this.warn(`cannot read the Slurm queue (${(err as Error).message}); trying again`);
      this.queueFailing = true;
      return;
    }
    // Topological order: a failed parent is settled (and its dependents blocked) before its children.
    for (const e of watched) {
      const id = e.jobId;
      const s = id === null ? undefined : seen.get(id);
      if (!s) continue;
      const reason = s.row?.reason ?? null;
      if (s.phase === 'ended') await this.settle(e, s);
      else if (e.state === 'blocked') {
        // Only with --kill-on-invalid-dep=no among the extra arguments: the job would wait forever.
        if (reason === 'DependencyNeverSatisfied') await this.deps.client.cancel([s.jobId]).catch(() => undefined);
      } else if (s.phase === 'running' && e.state !== 'running') this.setState(e, 'running', `Slurm job ${s.jobId}`);
      else if (s.phase === 'queued' && e.state === 'running') this.setState(e, 'pending', `Slurm job ${s.jobId} was requeued`);
      else if (s.phase === 'queued' && isStuckReason(reason) && e.warned !== reason) {
        e.warned = reason;
        this.warn(`${e.stage.title}: Slurm job ${s.jobId} waits with reason ${reason}; it may never start (check the partition, account and resources)`);
      }
    }
  }

  private async settle(e: Entry, s: JobSighting): Promise<void> {
    const ended = await settleEndedJob(this.deps.client, this.opts.storeDir, e.stage.key, s, this.cancelled);
    e.jobId = null;
    const o = ended.outcome;
    // A stage process that wrote its exit code has closed its MLflow run itself.
    if (e.tracking && !ended.stageWroteExit) {
      await this.opts.tracker?.finishStage(e.tracking, e.state === 'blocked' || o.state === 'interrupted' || o.state === 'blocked' ? 'KILLED' : 'FAILED');
    }
    e.tracking = null;
    if (e.state === 'blocked') return this.release(e);
    if (o.state === 'done') {
      this.setState(e, 'done');
      return this.release(e);
    }
    if (o.state === 'blocked' || o.state === 'interrupted') {
      this.setState(e, o.state, o.detail);
      return this.release(e);
    }
    if (!this.stopping && e.attempt <= this.opts.retry) {
      e.attempt += 1;
      await this.withdrawDependents(e);
      // The lock stays ours: the next pass resubmits it.
      this.setState(e, 'pending', `${o.reason}; retrying (attempt ${e.attempt} of ${this.opts.retry + 1})`);
      return;
    }
    await this.release(e);
    this.fail(e, o.reason);
  }

  /** Before a retry: the dependents' jobs waited on the failed job; cancel them to resubmit later. */
  private async withdrawDependents(e: Entry): Promise<void> {
    const queue = [...e.children];
    const ids: string[] = [];
    while (queue.length) {
      const d = queue.shift()!;
      if (d.jobId === null) continue;
      ids.push(d.jobId);
      d.jobId = null;
      if (d.tracking) await this.opts.tracker?.finishStage(d.tracking, 'KILLED');
      d.tracking = null;
      queue.push(...d.children);
    }
    await this.deps.client.cancel(ids).catch((err: Error) => this.warn(`scancel ${ids.join(' ')} failed: ${err.message}`));
  }

  private fail(e: Entry, reason: string): void {
    this.setState(e, 'failed', reason);
    this.failures.push({ stage: e.stage, logPath: stagePaths(this.opts.storeDir, e.stage.key).log, attempts: e.attempt, reason });
    const queue = [...e.children];
    while (queue.length) {
      const child = queue.shift()!;
      if (child.state !== 'pending' && child.state !== 'locked') continue;
      // A child with a job keeps being watched until Slurm has cancelled it (DependencyNeverSatisfied).
      this.setState(child, 'blocked', `${e.stage.title} failed`);
      queue.push(...child.children);
    }
  }

  private async release(e: Entry): Promise<void> {
    const lock = e.lock;
    e.lock = null;
    await lock?.release().catch(() => undefined);
  }

  private async cancelJobs(kill: boolean): Promise<void> {
    const queued = this.entries.filter((e) => e.jobId !== null && e.state !== 'running').map((e) => e.jobId!);
    const running = this.entries.filter((e) => e.jobId !== null && e.state === 'running').map((e) => e.jobId!);
    try {
      await this.deps.client.cancel(queued);
      await this.deps.client.cancel(running, kill ? { signal: 'KILL' } : {});
    } catch (err) {
      this.warn(`could not cancel the Slurm jobs (${(err as Error).message}); cancel them with: scancel ${[...queued, ...running].join(' ')}`);
    }
  }
}
