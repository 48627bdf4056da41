/**
 * The local driver of the DAG engine: launch when ready. Starts ready stages within the
 * concurrency limits through an Executor (the longest estimated remaining path first, see
 * critical-path.ts), holds each stage's lock while its process runs, and on interrupt asks
 * running stages to checkpoint and stop. States, locks, retries and blocking are the engine's.
 */
import { access } from 'node:fs/promises';
import type { StageKey } from '../plan/types.ts';
import { isHeavy, threadsPerHeavyStage } from './concurrency.ts';
import { SpeedModel, estimateTokens, remainingPaths } from './critical-path.ts';
import { DrivenRun } from './dag/driven-run.ts';
import { isFinished } from './dag/engine.ts';
import type { DagEntry } from './dag/types.ts';
import { stagePaths } from '../store/layout.ts';
import type { HeldLock } from './lock.ts';
import { stageState } from '../store/stage-state.ts';
import type { DagOptions, Executor, Slots, StageExit, StageHandle } from './types.ts';

export interface SchedulerOptions extends DagOptions {
  executor: Executor;
  slots: Slots;
}

const exists = (path: string) => access(path).then(() => true, () => false);

export class Scheduler extends DrivenRun {
  private readonly heavy = new Set<DagEntry>();
  /** Estimated work in tokens (critical-path.ts). */
  private readonly tokens = new Map<DagEntry, number>();
  private readonly handles = new Map<DagEntry, StageHandle>();
  private readonly speed = new SpeedModel();
  /** Every entry, the longest estimated remaining path first; ties in plan order. */
  private order: DagEntry[] = [];
  /** GPUs no heavy stage holds now (Slots.devices). */
  private readonly freeDevices: string[];

  constructor(private readonly opts: SchedulerOptions) {
    super(opts);
    const stages = new Map(opts.plan.stages.map((s) => [s.key, s]));
    for (const e of this.engine.entries) {
      if (isHeavy(e.stage)) this.heavy.add(e);
      this.tokens.set(e, estimateTokens(e.stage, stages));
    }
    this.freeDevices = [...(opts.slots.devices ?? [])];
    this.prioritise();
  }

  begin(): Promise<void> {
    return this.engine.markCached();
  }

  async advance(): Promise<void> {
    await this.engine.pollLocks();
    this.launchReady();
  }

  async observe(): Promise<boolean> {
    return false;
  }

  inFlight(): number {
    return this.engine.count('starting') + this.engine.count('running');
  }

  canStart(e: DagEntry): boolean {
    return e.state === 'pending' && e.parents.every(isFinished);
  }

  idleMs(): number | null {
    // Processes that end wake the loop; only another run's lock has to be looked at.
    return this.engine.count('locked') > 0 ? (this.opts.lockPollMs ?? 500) : null;
  }

  /** Running stages checkpoint and stop, or (`kill`) stop now and resume from their last checkpoint. */
  stop(kill: boolean): void {
    for (const handle of this.handles.values()) {
      if (kill) handle.kill();
      else handle.interrupt();
    }
  }

  async end(): Promise<{ detached?: boolean }> {
    return {};
  }

  /** Orders the entries by estimated remaining path, with the speeds measured so far. */
  private prioritise(): void {
    const byKey = new Map<StageKey, number>([...this.tokens].map(([e, t]) => [e.stage.key, t]));
    const path = remainingPaths(this.opts.plan.stages, this.speed, byKey);
    this.order = [...this.engine.entries].sort((a, b) => path.get(b.stage.key)! - path.get(a.stage.key)!);
  }

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

  private launchReady(): void {
    const { total, heavy } = this.opts.slots;
    const active = (e: DagEntry) => e.state === 'starting' || e.state === 'running';
    let running = this.inFlight();
    let runningHeavy = [...this.heavy].filter(active).length;
    for (const e of this.order) {
      if (running >= total) return;
      const isHeavyStage = this.heavy.has(e);
      if (!this.canStart(e) || (isHeavyStage && runningHeavy >= heavy)) continue;
      this.engine.move(e, 'starting');
      running += 1;
      if (isHeavyStage) runningHeavy += 1;
      void this.launch(e).finally(() => this.engine.wake());
    }
  }

  private async launch(e: DagEntry): Promise<void> {
    let lock: HeldLock | null = null;
    try {
      lock = await this.engine.claim(e);
      if (!lock) return;
      if (this.engine.stopping) {
        this.engine.move(e, 'pending');
        return;
      }
      // There are as many devices as heavy slots, so a heavy stage always finds one free.
      const device = this.heavy.has(e) ? this.freeDevices.shift() : undefined;
      try {
        await this.runAttempt(e, lock, device);
      } finally {
        if (device !== undefined) this.freeDevices.push(device);
      }
    } catch (err) {
      this.engine.fail(e, `could not start: ${(err as Error).message}`);
    } finally {
      await lock?.release().catch(() => undefined);
    }
  }

  private async runAttempt(e: DagEntry, lock: HeldLock, device: string | undefined): Promise<void> {
    const { stage } = e;
    const tracker = this.opts.tracker;
    const paths = stagePaths(this.opts.storeDir, stage.key);
    const tracking = await this.engine.prepareAttempt(e, this.opts.specDefaults);
    const heavy = this.heavy.has(e);
    let handle: StageHandle;
    try {
      handle = await this.opts.executor.start({
        key: stage.key,
        kind: stage.kind,
        title: stage.title,
        paths,
        heavy,
        attempt: e.attempt,
        env: { DAPT_STAGE_LOCK_TOKEN: lock.token, ...this.stageEnv(heavy, device) },
      });
    } catch (err) {
      if (tracking) await tracker?.finishStage(tracking, 'FAILED');
      throw err;
    }
    this.handles.set(e, handle);
    const started = performance.now();
    this.engine.setState(e, 'running');
    await lock.update(handle.lockFields).catch(() => undefined);
    if (this.engine.stopping) handle.interrupt();
    const exit = await handle.exited;
    this.handles.delete(e);
    const tokens = this.tokens.get(e) ?? 0;
    if (exit.exitCode === 0 && tokens > 0) {
      this.speed.record(stage.kind, tokens, (performance.now() - started) / 1000);
      this.prioritise();
    }
    // A stage process that wrote its exit code has closed its MLflow run itself.
    if (tracking && !(await exists(paths.exitcode))) await tracker?.finishStage(tracking, this.engine.stopping ? 'KILLED' : 'FAILED');
    await this.settle(e, exit);
  }

  private async settle(e: DagEntry, exit: StageExit): Promise<void> {
    const state = await stageState(this.opts.storeDir, e.stage.key);
    if (exit.exitCode === 0 && state === 'done') return this.engine.setState(e, 'done');
    const how = exit.exitCode === null ? `was killed (${exit.signal ?? 'no exit status'})` : `exited with code ${exit.exitCode}`;
    if (this.engine.stopping && (exit.exitCode === 130 || exit.signal !== null)) return this.engine.setState(e, 'interrupted', how);
    const reason = exit.exitCode === 0 ? 'exited 0 but its manifest does not verify' : how;
    if (this.engine.mayRetry(e)) this.engine.retry(e, reason);
    else this.engine.fail(e, reason);
  }
}
