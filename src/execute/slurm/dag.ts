/**
 * The Slurm driver of the DAG engine: submit everything. Unlike the local driver, which starts a
 * stage when its parents have finished, this submits every stage that is not done at once, each
 * as one job that waits for its parents' jobs (`afterok`, so Slurm cancels the dependents of a
 * failed job), then follows the jobs. Done stages are not submitted and nobody waits on them. A
 * stage another run holds is waited for; its dependents are submitted once it is free (done, or
 * ours to run).
 *
 * Each submitted stage's lock records the job id: the lock lives as long as the job, whether or
 * not this process keeps following it (`detach`). Retries resubmit the failed stage and the
 * dependents Slurm cancelled; they resume from their checkpoints.
 */
import type { TrackingHandle } from '../../track/types.ts';
import { isHeavy } from '../concurrency.ts';
import { DrivenRun } from '../dag/driven-run.ts';
import { isFinished } from '../dag/engine.ts';
import type { DagEntry } from '../dag/types.ts';
import { stagePaths } from '../../store/layout.ts';
import type { HeldLock } from '../lock.ts';
import type { DagOptions } from '../types.ts';
import { QueueReader, settleEndedJob, type JobSighting } from './observe.ts';
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

/** What this driver holds for one stage. */
interface Submission {
  /** The job standing for this stage until it is seen to end. */
  jobId: string | null;
  lock: HeldLock | null;
  tracking: TrackingHandle | null;
  /** The stuck pending reason already warned about. */
  warned: string | null;
}

/** The store check is mentioned only if it waits in the queue this long. */
const PROBE_QUIET_MS = 10_000;

export class SlurmDagRun extends DrivenRun {
  private readonly jobs = new Map<DagEntry, Submission>();
  private readonly cancelling: Array<Promise<void>> = [];
  private record: SubmissionRecord | null = null;
  private recordDirty = false;
  private cancelled = false;
  private detached = false;
  private readonly queue: QueueReader;

  constructor(
    private readonly opts: DagOptions,
    private readonly deps: SlurmDagDeps,
  ) {
    super(opts);
    this.queue = new QueueReader(deps.client, (message) => this.engine.warn(message));
    for (const e of this.engine.entries) this.jobs.set(e, { jobId: null, lock: null, tracking: null, warned: null });
  }

  /** Leave the jobs running and return once everything submittable is submitted. */
  detach(): void {
    this.detached = true;
    this.engine.wake();
  }

  private job(e: DagEntry): Submission {
    return this.jobs.get(e)!;
  }

  async begin(): Promise<void> {
    await this.engine.markCached();
    if (this.engine.entries.some((e) => e.state === 'pending') && !this.engine.stopping) await this.checkStore();
  }

  async advance(): Promise<void> {
    await this.engine.pollLocks();
    // Topological order: a parent is submitted before its children in the same pass.
    for (const e of this.engine.entries) {
      if (this.engine.stopping) return;
      if (this.canStart(e)) await this.submit(e);
    }
  }

  async observe(): Promise<boolean> {
    await this.saveRecord();
    if (this.detached) return true;
    await this.pollJobs();
    return false;
  }

  inFlight(): number {
    return this.engine.entries.filter((e) => this.job(e).jobId !== null).length;
  }

  canStart(e: DagEntry): boolean {
    const waitable = (p: DagEntry) => isFinished(p) || (this.job(p).jobId !== null && (p.state === 'pending' || p.state === 'running'));
    return e.state === 'pending' && this.job(e).jobId === null && e.parents.every(waitable);
  }

  idleMs(): number {
    return this.deps.settings.pollMs;
  }

  /** Ctrl-C, answered "cancel": scancel every job (running stages get SIGTERM and checkpoint); `kill`: at once. */
  stop(kill: boolean): void {
    this.cancelled = true;
    this.cancelling.push(this.cancelJobs(kill));
  }

  async end(): Promise<{ detached?: boolean }> {
    await Promise.all(this.cancelling);
    const detached = this.detached && this.inFlight() > 0;
    for (const e of this.engine.entries) {
      const job = this.job(e);
      if (job.jobId !== null && detached) continue;
      // Not submitted (a retry not yet resubmitted, a job we never saw end): nothing runs for it.
      if (job.tracking) await this.opts.tracker?.finishStage(job.tracking, 'KILLED');
      job.tracking = null;
      await this.release(e);
    }
    if (this.record && detached) {
      this.record.detached = true;
      await writeRecord(this.opts.storeDir, this.record);
    } else if (this.record) {
      await removeRecord(this.opts.storeDir, this.record.id);
    }
    return detached ? { detached: true } : {};
  }

  private async checkStore(): Promise<void> {
    const started = Date.now();
    await checkSharedStore({
      client: this.deps.client,
      storeDir: this.opts.storeDir,
      settings: this.deps.settings,
      mustExist: this.deps.daptCommand.slice(0, 2),
      stopped: () => this.engine.stopping,
      wait: (ms) => this.engine.sleep(ms),
      onStatus: (message) => {
        if (Date.now() - started > PROBE_QUIET_MS) this.engine.warn(`${message}; stages are submitted once it has run`);
      },
    });
  }

  private async submit(e: DagEntry): Promise<void> {
    const { stage } = e;
    const job = this.job(e);
    const paths = stagePaths(this.opts.storeDir, stage.key);
    try {
      // A retry keeps the lock it already holds.
      job.lock ??= await this.engine.claim(e, { executor: 'slurm' });
      if (!job.lock) return;
      const dependencies = e.parents.filter((p) => this.job(p).jobId !== null && !isFinished(p)).map((p) => this.job(p).jobId!);
      job.tracking = await this.engine.prepareAttempt(e, this.opts.specDefaults, 'submitted to Slurm ');
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
          env: { DAPT_STAGE_LOCK_TOKEN: job.lock.token },
        }),
        env: {},
      });
      job.jobId = jobId;
      await job.lock.update({ extra: { executor: 'slurm', jobId } }).catch(() => undefined);
      this.record ??= newRecord(this.opts.tracker?.parentRuns() ?? {});
      this.record.stages[stage.key] = { jobId, tracking: job.tracking };
      this.recordDirty = true;
      this.engine.setState(e, 'pending', `submitted as Slurm job ${jobId}${dependencies.length ? ` (after ${dependencies.join(', ')})` : ''}`);
    } catch (err) {
      if (job.tracking) await this.opts.tracker?.finishStage(job.tracking, 'FAILED');
      job.tracking = null;
      await this.release(e);
      this.engine.fail(e, `could not submit it: ${(err as Error).message}`);
    }
  }

  private async saveRecord(): Promise<void> {
    if (!this.record || !(this.recordDirty || this.detached)) return;
    this.recordDirty = false;
    await writeRecord(this.opts.storeDir, { ...this.record, detached: this.detached }).catch((err: Error) => this.engine.warn(`could not write the submission record: ${err.message}`));
  }

  private async pollJobs(): Promise<void> {
    const watched = this.engine.entries.filter((e) => this.job(e).jobId !== null);
    if (watched.length === 0) return;
    const seen = await this.queue.look(watched.map((e) => this.job(e).jobId!));
    if (!seen) return;
    // Topological order: a failed parent is settled (and its dependents blocked) before its children.
    for (const e of watched) {
      const job = this.job(e);
      const s = job.jobId === null ? undefined : seen.get(job.jobId);
      if (!s) continue;
      const reason = s.row?.reason ?? null;
      if (s.phase === 'ended') await this.settle(e, s);
      else if (e.state === 'blocked') {
        // Only with --kill-on-invalid-dep=no among the extra arguments: the job would wait forever.
        if (reason === 'DependencyNeverSatisfied') await this.deps.client.cancel([s.jobId]).catch(() => undefined);
      } else if (s.phase === 'running' && e.state !== 'running') this.engine.setState(e, 'running', `Slurm job ${s.jobId}`);
      else if (s.phase === 'queued' && e.state === 'running') this.engine.setState(e, 'pending', `Slurm job ${s.jobId} was requeued`);
      else if (s.phase === 'queued' && isStuckReason(reason) && job.warned !== reason) {
        job.warned = reason;
        this.engine.warn(`${e.stage.title}: Slurm job ${s.jobId} waits with reason ${reason}; it may never start (check the partition, account and resources)`);
      }
    }
  }

  private async settle(e: DagEntry, s: JobSighting): Promise<void> {
    const job = this.job(e);
    const ended = await settleEndedJob(this.deps.client, this.opts.storeDir, e.stage.key, s, this.cancelled);
    job.jobId = null;
    const o = ended.outcome;
    // A stage process that wrote its exit code has closed its MLflow run itself.
    if (job.tracking && !ended.stageWroteExit) {
      await this.opts.tracker?.finishStage(job.tracking, e.state === 'blocked' || o.state === 'interrupted' || o.state === 'blocked' ? 'KILLED' : 'FAILED');
    }
    job.tracking = null;
    if (e.state === 'blocked') return this.release(e);
    if (o.state === 'done') {
      this.engine.setState(e, 'done');
      return this.release(e);
    }
    if (o.state === 'blocked' || o.state === 'interrupted') {
      this.engine.setState(e, o.state, o.detail);
      return this.release(e);
    }
    if (this.engine.mayRetry(e)) {
      await this.withdrawDependents(e);
      // The lock stays ours: the next pass resubmits it.
      this.engine.retry(e, o.reason);
      return;
    }
    await this.release(e);
    this.engine.fail(e, o.reason);
  }

  /** Before a retry: the dependents' jobs waited on the failed job; cancel them to resubmit later. */
  private async withdrawDependents(e: DagEntry): Promise<void> {
    const queue = [...e.children];
    const ids: string[] = [];
    while (queue.length) {
      const d = queue.shift()!;
      const job = this.job(d);
      if (job.jobId === null) continue;
      ids.push(job.jobId);
      job.jobId = null;
      if (job.tracking) await this.opts.tracker?.finishStage(job.tracking, 'KILLED');
      job.tracking = null;
      queue.push(...d.children);
    }
    await this.deps.client.cancel(ids).catch((err: Error) => this.engine.warn(`scancel ${ids.join(' ')} failed: ${err.message}`));
  }

  private async release(e: DagEntry): Promise<void> {
    const job = this.job(e);
    const lock = job.lock;
    job.lock = null;
    await lock?.release().catch(() => undefined);
  }

  private async cancelJobs(kill: boolean): Promise<void> {
    const live = this.engine.entries.filter((e) => this.job(e).jobId !== null);
    const queued = live.filter((e) => e.state !== 'running').map((e) => this.job(e).jobId!);
    const running = live.filter((e) => e.state === 'running').map((e) => this.job(e).jobId!);
    try {
      await this.deps.client.cancel(queued);
      await this.deps.client.cancel(running, kill ? { signal: 'KILL' } : {});
    } catch (err) {
      this.engine.warn(`could not cancel the Slurm jobs (${(err as Error).message}); cancel them with: scancel ${[...queued, ...running].join(' ')}`);
    }
  }
}
