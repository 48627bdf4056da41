/**
 * The one DAG state machine under every way of running a plan. It owns the entries (one per
 * stage, wired to parents and children), every state change (with its event, keeping exact
 * counts), cached detection, the lock prelude before a stage may run (another run holds it, it
 * was finished elsewhere, `--force` invalidates it), the per-attempt preparation, the retry and
 * blocking policy, and the loop that sleeps until something wakes it.
 *
 * How stages reach a machine is a driver's business (DagDriver): the local driver
 * (../scheduler.ts) launches ready stages as processes, the Slurm driver (../slurm/dag.ts)
 * submits everything at once, and the follower (../slurm/watch.ts, `dapt status`) adopts jobs an
 * earlier `dapt run` submitted.
 */
import { appendFile, mkdir, rm } from 'node:fs/promises';
import type { StageKey, StageKind } from '../../plan/types.ts';
import type { TrackingHandle } from '../../track/types.ts';
import { findDoneStages, recordCachedStage } from '../cached.ts';
import { stagePaths } from '../../store/layout.ts';
import { describeHolder, lockStatus, tryAcquireLock, type HeldLock } from '../lock.ts';
import { buildStageSpec, writeStageSpec } from '../spec.ts';
import { invalidateStage, stageState } from '../../store/stage-state.ts';
import type { SpecDefaults } from '../spec.ts';
import type { ExecutionResult, StageFailure, StageRunState } from '../types.ts';
import type { DagDriver, DagEntry, EngineOptions } from './types.ts';

const FINISHED: ReadonlySet<StageRunState> = new Set(['cached', 'done']);

/** Done before this run or by it: its dependents may use its outputs. */
export function isFinished(e: DagEntry): boolean {
  return FINISHED.has(e.state);
}

export class DagEngine {
  readonly entries: DagEntry[];
  private readonly kinds = new Map<StageKey, StageKind>();
  private readonly counts = new Map<StageRunState, number>();
  private readonly failures: StageFailure[] = [];
  /** MLflow records of cached stages: awaited before the run returns. */
  private readonly background: Array<Promise<unknown>> = [];
  private driver: DagDriver | null = null;
  private stoppingNow = false;
  private wakeUp: (() => void) | null = null;
  /** A wake-up that came while the loop was busy: the next sleep returns at once. */
  private woken = false;

  constructor(readonly opts: EngineOptions) {
    const byKey = new Map<StageKey, DagEntry>();
    this.entries = opts.plan.stages.map((stage) => {
      const e: DagEntry = { stage, state: 'pending', detail: null, attempt: 1, mustInvalidate: opts.force.has(stage.key), parents: [], children: [] };
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
    this.counts.set('pending', this.entries.length);
  }

  /** Ctrl-C (or stop following): nothing new starts; the driver stops what runs (`kill`: now). */
  get stopping(): boolean {
    return this.stoppingNow;
  }

  /** Passes of the driver until nothing is in flight and nothing can start or is waited for. */
  async run(driver: DagDriver): Promise<ExecutionResult> {
    this.driver = driver;
    await driver.begin();
    for (;;) {
      if (!this.stopping) await driver.advance();
      if (await driver.observe()) break;
      const more = !this.stopping && (this.entries.some((e) => driver.canStart(e)) || this.count('locked') > 0);
      if (driver.inFlight() === 0 && !more) break;
      await this.sleep(driver.idleMs());
    }
    await Promise.all(this.background);
    return this.result(await driver.end());
  }

  /** Where every stage is now. */
  result(extra: { detached?: boolean } = {}): ExecutionResult {
    return { states: new Map(this.entries.map((e) => [e.stage.key, e.state])), failures: this.failures, interrupted: this.stopping, ...extra };
  }

  interrupt(): void {
    this.stop(false);
  }

  kill(): void {
    this.stop(true);
  }

  private stop(kill: boolean): void {
    this.stoppingNow = true;
    this.driver?.stop(kill);
    this.wake();
  }

  count(state: StageRunState): number {
    return this.counts.get(state) ?? 0;
  }

  /** A state change without an event (internal steps: starting, a lock that came free). */
  move(e: DagEntry, state: StageRunState): void {
    this.counts.set(e.state, this.count(e.state) - 1);
    this.counts.set(state, this.count(state) + 1);
    e.state = state;
  }

  setState(e: DagEntry, state: StageRunState, detail?: string): void {
    this.move(e, state);
    e.detail = detail ?? null;
    this.opts.onEvent({ type: 'state', stage: e.stage, state, attempt: e.attempt, ...(detail ? { detail } : {}) });
  }

  warn(message: string): void {
    this.opts.onEvent({ type: 'warning', message });
  }

  /** Ends the current sleep (or the next one, if the loop is busy). */
  wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    if (w) w();
    else this.woken = true;
  }

  /** Sleeps `ms` (null: until woken). */
  sleep(ms: number | null): Promise<void> {
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

  /** Marks the stages whose manifests verify as cached (all but the forced ones). */
  async markCached(): Promise<void> {
    const candidates = this.entries.filter((e) => !e.mustInvalidate);
    const done = await findDoneStages(this.opts.storeDir, candidates.map((e) => e.stage), { full: this.opts.verify });
    for (const e of candidates) if (done.has(e.stage.key)) this.markDoneElsewhere(e);
  }

  private markDoneElsewhere(e: DagEntry, detail?: string): void {
    this.setState(e, 'cached', detail);
    const tracker = this.opts.tracker;
    if (tracker) this.background.push(recordCachedStage(tracker, this.opts.storeDir, e.stage));
  }

  /** Stages waiting on another run's lock become pending again once it is no longer held. */
  async pollLocks(): Promise<void> {
    for (const e of this.entries) {
      if (e.state !== 'locked') continue;
      const status = await lockStatus(stagePaths(this.opts.storeDir, e.stage.key).lock);
      if (status.state !== 'held') this.move(e, 'pending');
    }
  }

  /**
   * The prelude to running a stage: its lock, then `--force`'s invalidation or, if another run
   * finished it meanwhile, `cached`. Null (and the entry moved to `locked` or `cached`) when this
   * run must not run it now.
   */
  async claim(e: DagEntry, lockFields?: Record<string, string | number>): Promise<HeldLock | null> {
    const paths = stagePaths(this.opts.storeDir, e.stage.key);
    await mkdir(paths.dir, { recursive: true });
    const got = await tryAcquireLock(paths.lock, lockFields);
    if (!got.acquired) {
      this.setState(e, 'locked', `waiting for ${describeHolder(got.holder)}`);
      return null;
    }
    try {
      if (e.mustInvalidate) {
        await invalidateStage(this.opts.storeDir, e.stage.key);
        e.mustInvalidate = false;
      } else if ((await stageState(this.opts.storeDir, e.stage.key)) === 'done') {
        await got.lock.release().catch(() => undefined);
        this.markDoneElsewhere(e, 'finished by another run');
        return null;
      }
    } catch (err) {
      await got.lock.release().catch(() => undefined);
      throw err;
    }
    return got.lock;
  }

  /** Before each attempt: its MLflow run, spec.json, no stale exitcode, a header in log.txt. */
  async prepareAttempt(e: DagEntry, specDefaults: SpecDefaults, how = ''): Promise<TrackingHandle | null> {
    const { stage } = e;
    const paths = stagePaths(this.opts.storeDir, stage.key);
    const tracking = this.opts.tracker ? await this.opts.tracker.startStage(stage, e.attempt) : null;
    await writeStageSpec(buildStageSpec(stage, this.kinds, specDefaults, tracking));
    await rm(paths.exitcode, { force: true });
    await appendFile(paths.log, `=== ${stage.title}: attempt ${e.attempt}, ${how}${new Date().toISOString()} ===\n`);
    return tracking;
  }

  /** Whether a failed attempt is followed by another (`--retry`; never while stopping). */
  mayRetry(e: DagEntry): boolean {
    return !this.stopping && e.attempt <= this.opts.retry;
  }

  retry(e: DagEntry, reason: string): void {
    e.attempt += 1;
    this.setState(e, 'pending', `${reason}; retrying (attempt ${e.attempt} of ${this.opts.retry + 1})`);
  }

  /** Failed for good: recorded, and every stage below it that has not started is blocked. */
  fail(e: DagEntry, reason: string): void {
    this.setState(e, 'failed', reason);
    this.recordFailure(e, reason);
    const queue = [...e.children];
    while (queue.length) {
      const child = queue.shift()!;
      if (child.state !== 'pending' && child.state !== 'locked') continue;
      this.setState(child, 'blocked', `${e.stage.title} failed`);
      queue.push(...child.children);
    }
  }

  /** A failure for the summary (the follower finds failures instead of causing them). */
  recordFailure(e: DagEntry, reason: string): void {
    this.failures.push({ stage: e.stage, logPath: stagePaths(this.opts.storeDir, e.stage.key).log, attempts: e.attempt, reason });
  }
}
