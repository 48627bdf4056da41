/** The DAG engine's types: one entry per stage, and what a driver adds to the engine's loop. */
import type { Stage } from '../../plan/types.ts';
import type { DagOptions, StageRunState } from '../types.ts';

/** The spec defaults are the drivers' (a follower writes no specs). */
export type EngineOptions = Omit<DagOptions, 'specDefaults'>;

export interface DagEntry {
  readonly stage: Stage;
  state: StageRunState;
  /** The detail of the last state change (why it waits, how it failed, its job). */
  detail: string | null;
  /** 1 for the first attempt; retries resume from the stage's checkpoint. */
  attempt: number;
  /** `--force`: its outputs are dropped before it next runs. */
  mustInvalidate: boolean;
  readonly parents: DagEntry[];
  readonly children: DagEntry[];
}

/**
 * How stages reach a machine. The engine calls these on every pass of its loop; a driver keeps
 * only what is its own (processes, job ids) and changes states through the engine.
 */
export interface DagDriver {
  /** Once, before the first pass: cached stages (or, following, what the store says). */
  begin(): Promise<void>;
  /** One pass while not stopping: start or submit what may go now. */
  advance(): Promise<void>;
  /** After each pass: follow what runs. True leaves the loop at once (detach, stop following). */
  observe(): Promise<boolean>;
  /** Stages this driver still follows (processes, queued or running jobs). */
  inFlight(): number;
  /** Whether a pass could start this stage now. */
  canStart(e: DagEntry): boolean;
  /** How long to sleep between passes; null: until something wakes the loop. */
  idleMs(): number | null;
  /** Ctrl-C; `kill` for the second one. */
  stop(kill: boolean): void;
  /** After the loop: release what is left; fields added to the result. */
  end(): Promise<{ detached?: boolean }>;
}
