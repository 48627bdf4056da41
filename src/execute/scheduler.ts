/**
 * Runs a plan's DAG: skips done stages, starts ready ones within the concurrency limits through
 * an Executor (the longest estimated remaining path first, see critical-path.ts), holds each stage's lock while it runs, retries failures (which resume from their
 * checkpoints), blocks only the dependents of a stage that failed for good, and on interrupt
 * asks running stages to checkpoint and stop.
 */
import { access, appendFile, mkdir, rm } from 'node:fs/promises';
import type { Plan, Stage, StageKey, StageKind } from '../plan/types.ts';
import { isHeavy, threadsPerHeavyStage } from './concurrency.ts';
import { findDoneStages, recordCachedStage } from './cached.ts';
import { SpeedModel, estimateTokens, remainingPaths } from './critical-path.ts';
import { stagePaths } from './layout.ts';
import { describeHolder, lockStatus, tryAcquireLock, type HeldLock } from './lock.ts';
import { buildStageSpec, writeStageSpec, type SpecDefaults } from './spec.ts';
import { invalidateStage, stageState } from './store.ts';
import type { StudyTracker } from './tracking.ts';
import type {
  ExecEvent,
  ExecutionResult,
  Executor,
  Slots,
  StageExit,
  StageFailure,
  StageHandle,
  StageRunState,
} from './types.ts';

export interface SchedulerOptions {
  plan: Plan;
  /** Absolute. */
  storeDir: string;
  executor: Executor;
  slots: Slots;
  /** Extra attempts for a failed stage. */
  retry: number;
  /** Stages to re-run from scratch (see force.ts). */
  force: ReadonlySet<StageKey>;
  /** Re-hash every file of done stages instead of trusting unchanged size + mtime. */
  verify: boolean;
  specDefaults: SpecDefaults;
  tracker: StudyTracker | null;
  onEvent(event: ExecEvent): void;
  /** How often to look at a lock another run holds. */
  lockPollMs?: number;
}

interface Entry {
  stage: Stage;
  state: StageRunState;
  attempt: number;
  heavy: boolean;
  mustInvalidate: boolean;
  children: Entry[];
  parents: Entry[];
  handle: StageHandle | null;
  /** Estimated work in tokens (critical-path.ts). */
  tokens: number;
}

const FINISHED: ReadonlySet<StageRunState> = new Set(['cached', 'done']);

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export class Scheduler {
  private readonly entries: Entry[];
  private readonly byKey = new Map<StageKey, Entry>();
  private readonly kinds = new Map<StageKey, StageKind>();
  private readonly failures: StageFailure[] = [];
  private readonly background: Array<Promise<void>> = [];
  private readonly counts = new Map<StageRunState, number>();
  private stopping = false;
  private readonly speed = new SpeedModel();
  /** Every entry, the longest estimated remaining path first; ties in plan order. */
  private order: Entry[] = [];
  /** GPUs no heavy stage holds now (Slots.devices). */
  private readonly freeDevices: string[];

  /**
   * DAPT_THREADS for a stage process when several heavy stages share the cores, and the GPU a
   * heavy stage may use when the slots come with devices.
   */
  private stageEnv(heavy: boolean, device: string | undefined): Record<string, string> {
    const threads = heavy ? threadsPerHeavyStage(this.opts.slots.heavy) : null;
    return {
      ...(threads === null || process.env['DAPT_THREADS'] ? {} : { DAPT_THREADS: String(threads) }),
      ...(device === undefined ? {} : { CUDA_VISIBLE_DEVICES: device }),
    };
  }
  private wakeUp: (() => void) | null = null;
  /** A wake-up that came while the loop was busy: the next sleep returns at once. */
  private woken = false;

  constructor(private readonly opts: SchedulerOptions) {
    this.entries = opts.plan.stages.map((stage) => ({
      stage,
      state: 'pending',
      attempt: 1,
      heavy: isHeavy(stage),
      mustInvalidate: opts.force.has(stage.key),
      children: [],
      parents: [],
      handle: null,
      tokens: 0,
    }));
    this.freeDevices = [...(opts.slots.devices ?? [])];
    this.counts.set('pending', this.entries.length);
    for (const e of this.entries) {
      this.byKey.set(e.stage.key, e);
      this.kinds.set(e.stage.key, e.stage.kind);
    }
    for (const e of this.entries) {
      for (const p of e.stage.parents) {
        const parent = this.byKey.get(p);
        if (!parent) throw new Error(`stage ${e.stage.key} depends on ${p}, which is not in the plan`);
        e.parents.push(parent);
        parent.children.push(e);
      }
    }
    const stages = new Map(opts.plan.stages.map((s) => [s.key, s]));
    for (const e of this.entries) e.tokens = estimateTokens(e.stage, stages);
    this.prioritise();
  }

  /** Orders the entries by estimated remaining path, with the speeds measured so far. */
  private prioritise(): void {
    const tokens = new Map(this.entries.map((e) => [e.stage.key, e.tokens]));
    const path = remainingPaths(this.opts.plan.stages, this.speed, tokens);
    this.order = [...this.entries].sort((a, b) => path.get(b.stage.key)! - path.get(a.stage.key)!);
  }

  /** Ctrl-C: start nothing new; ask running stages to checkpoint and stop. */
  interrupt(): void {
    this.stopping = true;
    for (const e of this.entries) if (e.state === 'running') e.handle?.interrupt();
    this.wake();
  }

  /** Second Ctrl-C: stop running stages now (they resume from their last checkpoint). */
  kill(): void {
    this.stopping = true;
    for (const e of this.entries) if (e.state === 'running') e.handle?.kill();
    this.wake();
  }

  async run(): Promise<ExecutionResult> {
    await this.markCached();
    for (;;) {
      if (!this.stopping) {
        await this.pollLocks();
        this.launchReady();
      }
      const active = this.count('starting') + this.count('running');
      if (active === 0 && (this.stopping || (!this.anyLaunchable() && this.count('locked') === 0))) break;
      await this.sleep(this.count('locked') > 0 ? (this.opts.lockPollMs ?? 500) : null);
    }
    await Promise.all(this.background);
    return {
      states: new Map(this.entries.map((e) => [e.stage.key, e.state])),
      failures: this.failures,
      interrupted: this.stopping,
    };
  }

  private emit(e: Entry, detail?: string): void {
    this.opts.onEvent({ type: 'state', stage: e.stage, state: e.state, attempt: e.attempt, ...(detail ? { detail } : {}) });
  }

  /** Every state change goes through here, so the counts stay exact. */
  private move(e: Entry, state: StageRunState): void {
    this.counts.set(e.state, (this.counts.get(e.state) ?? 0) - 1);
    this.counts.set(state, (this.counts.get(state) ?? 0) + 1);
    e.state = state;
  }

  private setState(e: Entry, state: StageRunState, detail?: string): void {
    this.move(e, state);
    this.emit(e, detail);
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    if (w) w();
    else this.woken = true;
  }

  private sleep(ms: number | null): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = ms === null ? null : setTimeout(() => this.wake(), ms);
      this.wakeUp = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
    });
  }

  private count(state: StageRunState): number {
    return this.counts.get(state) ?? 0;
  }

  private isReady(e: Entry): boolean {
    return e.state === 'pending' && e.parents.every((p) => FINISHED.has(p.state));
  }

  private anyLaunchable(): boolean {
    return this.entries.some((e) => this.isReady(e));
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

  private async pollLocks(): Promise<void> {
    for (const e of this.entries) {
      if (e.state !== 'locked') continue;
      const status = await lockStatus(stagePaths(this.opts.storeDir, e.stage.key).lock);
      if (status.state !== 'held') this.move(e, 'pending');
    }
  }

  private launchReady(): void {
    const { total, heavy } = this.opts.slots;
    let active = this.count('starting') + this.count('running');
    let activeHeavy = this.entries.filter((e) => e.heavy && (e.state === 'starting' || e.state === 'running')).length;
    for (const e of this.order) {
      if (active >= total) return;
      if (!this.isReady(e) || (e.heavy && activeHeavy >= heavy)) continue;
      this.move(e, 'starting');
      active += 1;
      if (e.heavy) activeHeavy += 1;
      void this.launch(e).finally(() => this.wake());
    }
  }

  private async launch(e: Entry): Promise<void> {
    const paths = stagePaths(this.opts.storeDir, e.stage.key);
    let lock: HeldLock | null = null;
    try {
      await mkdir(paths.dir, { recursive: true });
      const got = await tryAcquireLock(paths.lock);
      if (!got.acquired) {
        this.setState(e, 'locked', `waiting for ${describeHolder(got.holder)}`);
        return;
      }
      lock = got.lock;
      if (e.mustInvalidate) {
        await invalidateStage(this.opts.storeDir, e.stage.key);
        e.mustInvalidate = false;
      } else if ((await stageState(this.opts.storeDir, e.stage.key)) === 'done') {
        this.markDoneElsewhere(e, 'finished by another run');
        return;
      }
      if (this.stopping) {
        this.move(e, 'pending');
        return;
      }
      // There are as many devices as heavy slots, so a heavy stage always finds one free.
      const device = e.heavy ? this.freeDevices.shift() : undefined;
      try {
        await this.runAttempt(e, lock, device);
      } finally {
        if (device !== undefined) this.freeDevices.push(device);
      }
    } catch (err) {
      this.fail(e, `could not start: ${(err as Error).message}`);
    } finally {
      await lock?.release().catch(() => undefined);
    }
  }

  private async runAttempt(e: Entry, lock: HeldLock, device: string | undefined): Promise<void> {
    const { stage } = e;
    const paths = stagePaths(this.opts.storeDir, stage.key);
    const tracking = this.opts.tracker ? await this.opts.tracker.startStage(stage, e.attempt) : null;
    await writeStageSpec(buildStageSpec(stage, this.kinds, this.opts.specDefaults, tracking));
    await rm(paths.exitcode, { force: true });
    await appendFile(paths.log, `=== ${stage.title}: attempt ${e.attempt}, ${new Date().toISOString()} ===\n`);
    let handle: StageHandle;
    try {
      handle = await this.opts.executor.start({
        key: stage.key,
        kind: stage.kind,
        title: stage.title,
        paths,
        heavy: e.heavy,
        attempt: e.attempt,
        env: { DAPT_STAGE_LOCK_TOKEN: lock.token, ...this.stageEnv(e.heavy, device) },
      });
    } catch (err) {
      if (tracking) await this.opts.tracker?.finishStage(tracking, 'FAILED');
      throw err;
    }
    e.handle = handle;
    const started = performance.now();
    this.setState(e, 'running');
    await lock.update(handle.lockFields).catch(() => undefined);
    if (this.stopping) handle.interrupt();
    const exit = await handle.exited;
    e.handle = null;
    if (exit.exitCode === 0 && e.tokens > 0) {
      this.speed.record(e.stage.kind, e.tokens, (performance.now() - started) / 1000);
      this.prioritise();
    }
    const finishedRun = await exists(paths.exitcode);
    if (tracking && !finishedRun) await this.opts.tracker?.finishStage(tracking, this.stopping ? 'KILLED' : 'FAILED');
    await this.settle(e, exit);
  }

  private async settle(e: Entry, exit: StageExit): Promise<void> {
    const state = await stageState(this.opts.storeDir, e.stage.key);
    if (exit.exitCode === 0 && state === 'done') {
      this.setState(e, 'done');
      return;
    }
    const how = exit.exitCode === null ? `was killed (${exit.signal ?? 'no exit status'})` : `exited with code ${exit.exitCode}`;
    if (this.stopping && (exit.exitCode === 130 || exit.signal !== null)) {
      this.setState(e, 'interrupted', how);
      return;
    }
    const reason = exit.exitCode === 0 ? 'exited 0 but its manifest does not verify' : how;
    if (!this.stopping && e.attempt <= this.opts.retry) {
      e.attempt += 1;
      this.setState(e, 'pending', `${reason}; retrying (attempt ${e.attempt} of ${this.opts.retry + 1})`);
      return;
    }
    this.fail(e, reason);
  }

  private fail(e: Entry, reason: string): void {
    this.setState(e, 'failed', reason);
    this.failures.push({ stage: e.stage, logPath: stagePaths(this.opts.storeDir, e.stage.key).log, attempts: e.attempt, reason });
    const queue = [...e.children];
    while (queue.length) {
      const child = queue.shift()!;
      if (child.state !== 'pending') continue;
      this.setState(child, 'blocked', `${e.stage.title} failed`);
      queue.push(...child.children);
    }
  }
}
