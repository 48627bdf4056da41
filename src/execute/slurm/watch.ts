/**
 * `dapt status`: where every stage of a plan is, from the run store and the Slurm queue, without
 * changing anything. Done stages come from their manifests; a stage whose lock names a Slurm job
 * follows that job; a stage another local run holds waits for it; otherwise the stage's
 * `exitcode` says whether it failed. Follows the jobs until none is queued or running.
 */
import type { Plan, Stage, StageKey } from '../../plan/types.ts';
import { stagePaths } from '../layout.ts';
import { describeHolder, lockStatus } from '../lock.ts';
import { stageState } from '../store.ts';
import type { ExecEvent, ExecutionResult, StageFailure, StageRunState } from '../types.ts';
import { observeJobs, readExitCode, settleEndedJob } from './observe.ts';
import type { SlurmClient } from './types.ts';

export interface WatchOptions {
  plan: Plan;
  storeDir: string;
  client: SlurmClient;
  pollMs: number;
  onEvent(event: ExecEvent): void;
}

export interface WatchedStage {
  stage: Stage;
  state: StageRunState;
  jobId: string | null;
  /** Slurm's reason for a queued job, or why a stage failed / is held. */
  detail: string | null;
}

const FAILED_LIKE: ReadonlySet<StageRunState> = new Set(['failed', 'blocked', 'interrupted']);

export class SlurmWatch {
  readonly stages: WatchedStage[];
  private readonly failures: StageFailure[] = [];
  private stopped = false;
  private queueFailing = false;
  private wakeUp: (() => void) | null = null;

  constructor(private readonly opts: WatchOptions) {
    this.stages = opts.plan.stages.map((stage) => ({ stage, state: 'pending', jobId: null, detail: null }));
  }

  /** Ctrl-C: stop watching (the jobs are not touched). */
  stop(): void {
    this.stopped = true;
    this.wakeUp?.();
  }

  /** Reads every stage once and asks Slurm once. */
  async snapshot(): Promise<void> {
    for (const w of this.stages) await this.scan(w, true);
    this.propagateBlocked();
    await this.pollJobs();
  }

  /** Follows until nothing is queued, running or held by another run. */
  async follow(): Promise<ExecutionResult> {
    await this.snapshot();
    while (!this.stopped && this.stages.some((w) => w.jobId !== null || w.state === 'locked')) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.opts.pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      for (const w of this.stages) if (w.state === 'locked') await this.scan(w, false);
      await this.pollJobs();
      this.propagateBlocked();
    }
    return this.result();
  }

  result(): ExecutionResult {
    return { states: new Map(this.stages.map((w) => [w.stage.key, w.state])), failures: this.failures, interrupted: this.stopped };
  }

  /** Job ids still queued or running. */
  liveJobs(): string[] {
    return this.stages.filter((w) => w.jobId !== null).map((w) => w.jobId!);
  }

  private set(w: WatchedStage, state: StageRunState, detail: string | null = null): void {
    if (w.state === state && w.detail === detail) return;
    w.state = state;
    w.detail = detail;
    this.opts.onEvent({ type: 'state', stage: w.stage, state, attempt: 1, ...(detail ? { detail } : {}) });
    if (state === 'failed') this.failures.push({ stage: w.stage, logPath: stagePaths(this.opts.storeDir, w.stage.key).log, attempts: 1, reason: detail ?? 'failed' });
  }

  private async scan(w: WatchedStage, first: boolean): Promise<void> {
    const key = w.stage.key;
    const paths = stagePaths(this.opts.storeDir, key);
    if ((await stageState(this.opts.storeDir, key)) === 'done') return this.set(w, first ? 'cached' : 'done');
    const lock = await lockStatus(paths.lock);
    const jobId = lock.state !== 'free' ? lock.info?.extra?.['jobId'] : undefined;
    if (lock.state !== 'free' && lock.info?.extra?.['executor'] === 'slurm' && jobId !== undefined) {
      // Reported by the next poll, whatever the job's state.
      w.jobId = String(jobId);
      return;
    }
    if (lock.state === 'held') return this.set(w, 'locked', `held by ${describeHolder(lock.info)}`);
    const code = await readExitCode(paths.exitcode);
    if (code === 130) return this.set(w, 'interrupted', 'stopped (exit 130); a re-run resumes it');
    if (code !== null && code !== 0) return this.set(w, 'failed', `exited with code ${code}`);
    this.set(w, 'pending', null);
  }

  private async pollJobs(): Promise<void> {
    const watched = this.stages.filter((w) => w.jobId !== null);
    if (watched.length === 0) return;
    let seen;
    try {
      seen = await observeJobs(this.opts.client, watched.map((w) => w.jobId!));
      this.queueFailing = false;
    } catch (e) {
      if (!this.queueFailing) this.opts.onEvent({ type: 'warning', message: `cannot read the Slurm queue (${(e as Error).message}); trying again` });
      this.queueFailing = true;
      return;
    }
    for (const w of watched) {
      const s = seen.get(w.jobId!);
      if (!s) continue;
      if (s.phase === 'ended') {
        const { outcome } = await settleEndedJob(this.opts.client, this.opts.storeDir, w.stage.key, s, false);
        w.jobId = null;
        if (outcome.state === 'done') this.set(w, 'done');
        else if (outcome.state === 'failed') this.set(w, 'failed', outcome.reason);
        else this.set(w, outcome.state, outcome.detail);
      } else if (s.phase === 'running') {
        this.set(w, 'running', `Slurm job ${s.jobId}`);
      } else {
        this.set(w, 'pending', `Slurm job ${s.jobId}${s.row?.reason ? ` (${s.row.reason})` : ''}`);
      }
    }
  }

  /** A stage not submitted (or never started) below a failure cannot run. */
  private propagateBlocked(): void {
    const byKey = new Map<StageKey, WatchedStage>(this.stages.map((w) => [w.stage.key, w]));
    for (const w of this.stages) {
      if (w.state !== 'pending' || w.jobId !== null) continue;
      const bad = w.stage.parents.map((k) => byKey.get(k)).find((p) => p && FAILED_LIKE.has(p.state));
      if (bad) this.set(w, 'blocked', `${bad.stage.title} ${bad.state === 'blocked' ? 'is blocked' : bad.state}`);
    }
  }
}

/** `dapt status --once`: one line per stage that is not finished, then the counts. */
export function formatSnapshot(stages: readonly WatchedStage[]): string {
  const counts = new Map<StageRunState, number>();
  const lines: string[] = [];
  const words: Partial<Record<StageRunState, string>> = { pending: 'waiting', locked: 'held by another run' };
  for (const w of stages) {
    const state = w.state === 'cached' ? 'done' : w.state;
    counts.set(state, (counts.get(state) ?? 0) + 1);
    if (state === 'done') continue;
    lines.push(`  ${(words[state] ?? state).padEnd(11)} ${w.stage.title} [${w.stage.key.slice(0, 8)}]${w.detail ? `: ${w.detail}` : ''}`);
  }
  const order: StageRunState[] = ['running', 'pending', 'locked', 'done', 'failed', 'blocked', 'interrupted'];
  const summary = order.filter((s) => counts.get(s)).map((s) => `${counts.get(s)} ${words[s] ?? s}`).join(' · ');
  return [`${stages.length} stages: ${summary}`, ...lines].join('\n');
}
