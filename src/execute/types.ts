/**
 * The executor layer's types. One engine (dag/engine.ts) owns a run over a plan's DAG; what
 * `--executor NAME` picks (executors.ts) is a `DagRunner`, which drives that engine one way:
 * locally, an `Executor` starts one stage process at a time as stages become ready
 * (scheduler.ts); on Slurm every stage is submitted up front (slurm/dag.ts). Either way the stage
 * runs `dapt stage <spec.json>`.
 */
import type { ExecutionSpec } from '../config/types.ts';
import type { Plan, Stage, StageKey, StageKind } from '../plan/types.ts';
import type { StagePaths } from '../store/layout.ts';
import type { ExecutionProfile } from '../config/types.ts';
import type { SpecDefaults } from './spec.ts';
import type { StudyTracker } from './tracking.ts';

/** How many stages may run at once. `heavy` stages (training, model inference) have their own cap. */
export interface Slots {
  total: number;
  heavy: number;
  /** GPU ids, one per heavy slot: each heavy stage sees only its own (CUDA_VISIBLE_DEVICES). */
  devices?: string[];
}

/** One attempt at one stage, as handed to an executor. spec.json is already written. */
export interface StageJob {
  key: StageKey;
  kind: StageKind;
  title: string;
  paths: StagePaths;
  heavy: boolean;
  /** 1 for the first attempt; later attempts resume from the stage's checkpoint. */
  attempt: number;
  /** Environment the stage process needs on top of the executor's (lock token, …). */
  env: Record<string, string>;
}

export interface StageExit {
  /** Null when the process ended without an exit status (killed by a signal, job lost). */
  exitCode: number | null;
  signal: string | null;
}

/** A started stage process. */
export interface StageHandle {
  readonly exited: Promise<StageExit>;
  /** What the lock file should record about this process (pid on this host, job id, …). */
  readonly lockFields: { childPid?: number; extra?: Record<string, string | number> };
  /** Ask it to checkpoint and stop (SIGTERM). */
  interrupt(): void;
  /** Stop it now. */
  kill(): void;
}

export interface ExecutorContext {
  storeDir: string;
  env: NodeJS.ProcessEnv;
  /** argv prefix that runs the dapt CLI: `[node, <repo>/bin/dapt.js]`. */
  daptCommand: string[];
  /** The experiment files' `execution:` section (the first that has one), if any. */
  execution: ExecutionSpec | null;
  /** The profile file (`--profile`), whose settings override `execution`. */
  profile?: ExecutionProfile | null;
}

/** What every run over a plan's DAG needs, whichever way its stages reach a machine. */
export interface DagOptions {
  plan: Plan;
  /** Absolute. */
  storeDir: string;
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

/** One run over a plan's DAG (the engine with one driver). */
export interface DagRun {
  run(): Promise<ExecutionResult>;
  interrupt(): void;
  kill(): void;
  /** Stop following the stages and leave them running (executors whose stages outlive `dapt run`). */
  detach?(): void;
}

/** Starts one stage process (this machine, or in-process in tests); driven by the Scheduler. */
export interface Executor {
  readonly name: string;
  /** Concurrency when the user gives no `--jobs` (see concurrency.ts for the local rule). */
  defaultSlots(): Slots;
  start(job: StageJob): Promise<StageHandle>;
  /** Called once when the run ends (cancel queued work, close connections). */
  close(): Promise<void>;
}

/** What `--executor NAME` picks: one way of driving the DAG engine. */
export interface DagRunner {
  readonly name: string;
  /** One run over the plan; `jobs` is `--jobs` (null or absent: the runner's own rule). */
  schedule(opts: DagOptions, jobs?: number | null): DagRun;
  /** Called once when the run ends. */
  close(): Promise<void>;
}

export type DagRunnerFactory = (ctx: ExecutorContext) => DagRunner | Promise<DagRunner>;

/** Where a stage is in this run. */
export type StageRunState =
  /** Done before this run started (or finished by a concurrent run). */
  | 'cached'
  | 'pending'
  /** Another process holds its lock; we wait for its result. */
  | 'locked'
  | 'starting'
  | 'running'
  | 'done'
  | 'failed'
  /** A parent failed: it cannot run. */
  | 'blocked'
  | 'interrupted';

export type ExecEvent =
  | { type: 'state'; stage: Stage; state: StageRunState; attempt: number; detail?: string }
  | { type: 'warning'; message: string };

export interface StageFailure {
  stage: Stage;
  logPath: string;
  attempts: number;
  reason: string;
}

export interface ExecutionResult {
  states: Map<StageKey, StageRunState>;
  failures: StageFailure[];
  interrupted: boolean;
  /** Stages still queued or running were left to the executor (`dapt status` follows them). */
  detached?: boolean;
}
