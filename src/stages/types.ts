/**
 * The contract between the executor and the code that does a stage's work. One module per
 * stage kind exports a `StageRunner`; `src/stages/registry.ts` looks them up by kind. The
 * executor only ever runs `dapt stage <spec.json>` (its own process, locally or under Slurm);
 * that command reads the StageSpec, runs the runner and writes the manifest.
 *
 * The stage directory and each kind's outputs: src/store/layout.ts.
 */
import type { ContentId, InputLocation, StageKey, StageKind, StageLabel, StageParams } from '../plan/types.ts';
import type { TrackingHandle } from '../track/types.ts';

export interface ParentOutput {
  key: StageKey;
  kind: StageKind;
  /** The parent's finished `work/` directory. */
  dir: string;
}

export type StageSpec = StageParams & {
  key: StageKey;
  title: string;
  labels: StageLabel[];
  parents: ParentOutput[];
  inputs: Record<ContentId, InputLocation>;
  /** Absolute data root (for diagnostics; inputs are already resolved). */
  dataRoot: string;
  storeDir: string;
  stageDir: string;
  /** `auto` or a backend name; see src/train/backend. */
  backend: string;
  /** Seconds between periodic checkpoints. */
  checkpointEverySeconds: number;
  tracking: TrackingHandle | null;
  /** Tests only: `fake` swaps in the deterministic fake runners (src/stages/fake). */
  trainer: 'real' | 'fake';
  /** `dapt run --allow-leakage`: report dev/test text found in selected documents, do not refuse it. */
  allowLeakage?: boolean;
};

/** Step-level reporting from a runner. Implementations print progress and log to MLflow. */
export interface StageReporter {
  /** Step metrics: loss, lr, mask_prob, tokens_per_s, heldout_loss, heldout_perplexity … */
  metrics(step: number, values: Record<string, number>): void;
  params(values: Record<string, string | number | boolean>): void;
  tags(values: Record<string, string>): void;
  /** Progress for the live view: done/total in the runner's own unit (steps). */
  progress(done: number, total: number, info?: Record<string, number | string>): void;
  log(line: string): void;
}

export interface StageContext {
  spec: StageSpec;
  /** The stage's work/ directory (exists, may hold a checkpoint to resume from). */
  workDir: string;
  parents: Record<StageKey, ParentOutput>;
  reporter: StageReporter;
  /** Aborted on SIGINT/SIGTERM: checkpoint promptly and throw InterruptedError. */
  signal: AbortSignal;
}

export interface StageOutcome {
  /** Final scalar metrics (e.g. test_micro_f1, final_loss, heldout_perplexity). */
  metrics: Record<string, number>;
  /** Anything else worth keeping in metrics.json (per-class F1, confusion matrix, resamples…). */
  details?: Record<string, unknown>;
}

export interface StageRunner {
  kind: StageKind;
  run(ctx: StageContext): Promise<StageOutcome>;
}
