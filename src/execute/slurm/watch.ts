/**
 * The follower driver of the DAG engine (`dapt status`): where every stage of a plan is, from the
 * run store and the Slurm queue, without changing anything. Done stages come from their
 * manifests; a stage whose lock names a Slurm job follows that job; a stage another local run
 * holds waits for it; otherwise the stage's `exitcode` says whether it failed. Follows the jobs
 * until none is queued or running.
 */
import type { Plan } from '../../plan/types.ts';
import { DagEngine } from '../dag/engine.ts';
import type { DagDriver, DagEntry } from '../dag/types.ts';
import { stagePaths } from '../../store/layout.ts';
import { describeHolder, lockStatus } from '../lock.ts';
import type { WatchedStage } from '../snapshot.ts';
import { stageState } from '../../store/stage-state.ts';
import type { ExecEvent, ExecutionResult, StageRunState } from '../types.ts';
import { QueueReader, readExitCode, settleEndedJob } from './observe.ts';
import type { SlurmClient } from './types.ts';

export interface WatchOptions {
  plan: Plan;
  storeDir: string;
  client: SlurmClient;
  pollMs: number;
  onEvent(event: ExecEvent): void;
}

const FAILED_LIKE: ReadonlySet<StageRunState> = new Set(['failed', 'blocked', 'interrupted']);

export class SlurmWatch implements DagDriver {
  private readonly engine: DagEngine;
  private readonly jobIds = new Map<DagEntry, string | null>();
  private readonly queue: QueueReader;

  constructor(private readonly opts: WatchOptions) {
    this.engine = new DagEngine({ plan: opts.plan, storeDir: opts.storeDir, retry: 0, force: new Set(), verify: false, tracker: null, onEvent: opts.onEvent });
    this.queue = new QueueReader(opts.client, (message) => this.engine.warn(message));
  }

  get stages(): WatchedStage[] {
    return this.engine.entries.map((e) => ({ stage: e.stage, state: e.state, jobId: this.jobIds.get(e) ?? null, detail: e.detail }));
  }

  /**
   * Ctrl-C: stop watching (the jobs are not touched). Also the engine's stop hook, which it calls
   * once it is stopping: there is nothing of ours to stop then.
   */
  stop(): void {
    if (!this.engine.stopping) this.engine.interrupt();
  }

  /** Reads every stage once and asks Slurm once. */
  async snapshot(): Promise<void> {
    await this.begin();
    await this.pollJobs();
  }

  /** Follows until nothing is queued, running or held by another run. */
  follow(): Promise<ExecutionResult> {
    return this.engine.run(this);
  }

  result(): ExecutionResult {
    return this.engine.result();
  }

  /** Job ids still queued or running. */
  liveJobs(): string[] {
    return [...this.jobIds.values()].filter((id): id is string => id !== null);
  }

  async begin(): Promise<void> {
    for (const e of this.engine.entries) await this.scan(e, true);
    this.propagateBlocked();
  }

  async advance(): Promise<void> {
    for (const e of this.engine.entries) if (e.state === 'locked') await this.scan(e, false);
  }

  async observe(): Promise<boolean> {
    if (this.engine.stopping) return true;
    await this.pollJobs();
    this.propagateBlocked();
    return false;
  }

  inFlight(): number {
    return this.liveJobs().length;
  }

  canStart(): boolean {
    return false;
  }

  idleMs(): number {
    return this.opts.pollMs;
  }

  async end(): Promise<{ detached?: boolean }> {
    return {};
  }

  /** Only changes are events: the same state seen again on the next poll says nothing new. */
  private set(e: DagEntry, state: StageRunState, detail: string | null = null): void {
    if (e.state === state && e.detail === detail) return;
    this.engine.setState(e, state, detail ?? undefined);
    if (state === 'failed') this.engine.recordFailure(e, detail ?? 'failed');
  }

  private async scan(e: DagEntry, first: boolean): Promise<void> {
    const key = e.stage.key;
    const paths = stagePaths(this.opts.storeDir, key);
    if ((await stageState(this.opts.storeDir, key)) === 'done') return this.set(e, first ? 'cached' : 'done');
    const lock = await lockStatus(paths.lock);
    const jobId = lock.state !== 'free' ? lock.info?.extra?.['jobId'] : undefined;
    if (lock.state !== 'free' && lock.info?.extra?.['executor'] === 'slurm' && jobId !== undefined) {
      // Reported by the next poll, whatever the job's state.
      this.jobIds.set(e, String(jobId));
      return;
    }
    if (lock.state === 'held') return this.set(e, 'locked', `held by ${describeHolder(lock.info)}`);
    const code = await readExitCode(paths.exitcode);
    if (code === 130) return this.set(e, 'interrupted', 'stopped (exit 130); a re-run resumes it');
    if (code !== null && code !== 0) return this.set(e, 'failed', `exited with code ${code}`);
    this.set(e, 'pending', null);
  }

  private async pollJobs(): Promise<void> {
    const watched = this.engine.entries.filter((e) => this.jobIds.get(e) != null);
    if (watched.length === 0) return;
    const seen = await this.queue.look(watched.map((e) => this.jobIds.get(e)!));
    if (!seen) return;
    for (const e of watched) {
      const s = seen.get(this.jobIds.get(e)!);
      if (!s) continue;
      if (s.phase === 'ended') {
        const { outcome } = await settleEndedJob(this.opts.client, this.opts.storeDir, e.stage.key, s, false);
        this.jobIds.set(e, null);
        if (outcome.state === 'done') this.set(e, 'done');
        else if (outcome.state === 'failed') this.set(e, 'failed', outcome.reason);
        else this.set(e, outcome.state, outcome.detail);
      } else if (s.phase === 'running') {
        this.set(e, 'running', `Slurm job ${s.jobId}`);
      } else {
        this.set(e, 'pending', `Slurm job ${s.jobId}${s.row?.reason ? ` (${s.row.reason})` : ''}`);
      }
    }
  }

  /**
   * A stage nobody submitted (or that never started) below a failure cannot run. Unlike the
   * engine's own blocking, this is derived from what is seen, so it is applied after every look.
   */
  private propagateBlocked(): void {
    for (const e of this.engine.entries) {
      if (e.state !== 'pending' || this.jobIds.get(e) != null) continue;
      const bad = e.parents.find((p) => FAILED_LIKE.has(p.state));
      if (bad) this.set(e, 'blocked', `${bad.stage.title} ${bad.state === 'blocked' ? 'is blocked' : bad.state}`);
    }
  }
}
