/** A run over a plan's DAG: the engine driven by one driver (the local and the Slurm runs extend this). */
import type { DagRun, ExecutionResult } from '../types.ts';
import { DagEngine } from './engine.ts';
import type { DagDriver, DagEntry, EngineOptions } from './types.ts';

export abstract class DrivenRun implements DagRun, DagDriver {
  protected readonly engine: DagEngine;

  constructor(opts: EngineOptions) {
    this.engine = new DagEngine(opts);
  }

  run(): Promise<ExecutionResult> {
    return this.engine.run(this);
  }

  /** Ctrl-C: nothing new starts; the driver asks what runs to checkpoint and stop (`stop(false)`). */
  interrupt(): void {
    this.engine.interrupt();
  }

  /** Second Ctrl-C: the driver stops what runs at once (`stop(true)`). */
  kill(): void {
    this.engine.kill();
  }

  abstract begin(): Promise<void>;
  abstract advance(): Promise<void>;
  abstract observe(): Promise<boolean>;
  abstract inFlight(): number;
  abstract canStart(e: DagEntry): boolean;
  abstract idleMs(): number | null;
  abstract stop(kill: boolean): void;
  abstract end(): Promise<{ detached?: boolean }>;
}
