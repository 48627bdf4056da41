/**
 * The report's data model: what was measured (cells read from the stage store or from the
 * aggregate stage's results.json), what is derived from it (summaries, paired comparisons,
 * compute), and nothing about presentation. Scores are kept as the stages wrote them (fractions
 * in [0, 1]); renderers scale them ×100 like the paper.
 */
import type { Metric, PaperTarget } from '../config/types.ts';
import type { StageKey, StageKind } from '../plan/types.ts';

export type Split = 'dev' | 'test';

/** Where a stage's numbers can be traced: the stage directory and, when tracked, its MLflow run. */
export interface Provenance {
  stage: StageKey;
  mlflowRunId: string | null;
  mlflowUri: string | null;
  /** The run exists only in the outbox so far (MLflow was unreachable): `dapt sync` creates it. */
  mlflowQueued?: boolean;
}

/**
 * One (point, arm, task, seed) result.
 * - `done`: the evaluate stage finished; dev and test come from it.
 * - `dev-only`: the evaluate stage has not run but the finetune stage has; `dev` is its
 *   best-on-dev score (the checkpoint the evaluate stage would score), test is unknown.
 * - `dropped`: the finetune stage dropped this seed as degenerate (policy `drop`).
 * - `missing`: nothing finished yet.
 */
export interface CellResult {
  point: string;
  arm: string;
  task: string;
  seed: number;
  metric: Metric;
  status: 'done' | 'dev-only' | 'dropped' | 'missing';
  dev: number | null;
  test: number | null;
  /** Degenerate-seed handling recorded by the finetune stage. */
  resamples: number;
  /** The seed actually trained with when it differs from `seed` (after resampling). */
  seedUsed: number | null;
  /** Epochs the finetune stage ran and the one whose weights it kept (null until it finished). */
  epochsRun?: number | null;
  bestEpoch?: number | null;
  evaluate: Provenance;
  finetune: Provenance;
}

/** A linear classifier's scores (reference row, or one pooling of a probe) and the C picked on dev. */
export interface LinearScore {
  dev: number | null;
  test: number | null;
  c: number | null;
}

/** The non-neural floor of one task: TF-IDF + logistic regression. */
export interface ReferenceResult {
  point: string;
  task: string;
  metric: Metric;
  status: 'done' | 'missing';
  score: LinearScore;
  evaluate: Provenance;
}

export const PROBE_POOLINGS = ['mean', 'cls'] as const;
export type ProbePooling = (typeof PROBE_POOLINGS)[number];

/** The linear probe of one arm's final pretrained model on one task, per pooling. */
export interface ProbeResult {
  point: string;
  arm: string;
  task: string;
  metric: Metric;
  status: 'done' | 'missing';
  pooling: Record<ProbePooling, LinearScore>;
  evaluate: Provenance;
}

/** How the fine-tuning runs of one (point, arm, task) ended. */
export interface Convergence {
  point: string;
  arm: string;
  task: string;
  maxEpochs: number;
  patience: number;
  /** Finished runs, those early stopping ended, those that used every epoch (not converged). */
  runs: number;
  stoppedEarly: number;
  ranOut: number;
  /** Seeds that ran out of epochs. */
  ranOutSeeds: number[];
  bestEpochs: number[];
}

export type VerdictKind = 'supported' | 'contradicted' | 'inconclusive' | 'no data';

/** One claim of the paper on one task, judged on test by the paired t-test over shared seeds. */
export interface Verdict {
  point: string;
  task: string;
  claim: string;
  better: string;
  worse: string;
  relation: '>' | '>=';
  sharedSeeds: number[];
  /** Mean of (better − worse) over the shared seeds. */
  meanDiff: number | null;
  ttest: PairedTest | null;
  /** Smallest |Δ| this design detects with power 0.8 at α = 0.05 (two-sided), at the observed spread. */
  mde: number | null;
  /** Set when the exact Wilcoxon test cannot reach p < 0.05 with so few pairs. */
  wilcoxonNote: string | null;
  /** The same difference measured by the linear probes (no seeds: one number per pooling). */
  probe: Record<ProbePooling, number | null>;
  verdict: VerdictKind;
}

/** Held-out MLM loss of one model on one corpus (paper Tables 1 and 12). */
export interface MlmResult {
  point: string;
  model: string;
  /** Set when the model depends on the task (an arm with TAPT-like phases). */
  task: string | null;
  corpus: string;
  status: 'done' | 'missing';
  loss: number | null;
  perplexity: number | null;
  evaluate: Provenance;
}

/** `work/results.json` of the aggregate stage. */
export interface ResultsFile {
  formatVersion: 1;
  experiment: string;
  baselineArm: string;
  cells: CellResult[];
  mlm: MlmResult[];
  targets: Record<string, Record<string, PaperTarget>>;
  summaries: Summary[];
  comparisons: Comparison[];
  /** Absent in results files written before the reference row and the probes existed. */
  references?: ReferenceResult[];
  probes?: ProbeResult[];
}

/** Mean ± sample std over the seeds of one (point, arm, task, split). */
export interface Summary {
  point: string;
  arm: string;
  task: string;
  split: Split;
  metric: Metric;
  seeds: number[];
  values: number[];
  n: number;
  mean: number | null;
  /** Sample standard deviation (n − 1); null when n < 2. */
  std: number | null;
}

export interface PairedTest {
  n: number;
  meanDiff: number;
  /** Sample std of the differences (n − 1). */
  sdDiff: number;
  t: number;
  df: number;
  /** Two-sided. */
  p: number;
}

export interface WilcoxonTest {
  /** Non-zero differences used (zeros are dropped, Wilcoxon's convention). */
  n: number;
  /** Sum of the ranks of the positive differences. */
  wPlus: number;
  /** Two-sided, from the exact null distribution. */
  p: number;
}

/** An arm against the baseline on one (point, task, split), paired by seed. */
export interface Comparison {
  point: string;
  arm: string;
  baseline: string;
  task: string;
  split: Split;
  sharedSeeds: number[];
  /** The arm's seed set differs from the baseline's (so the means are over different seeds). */
  seedsDiffer: boolean;
  /** Mean over the shared seeds of (arm − baseline); null when no seed is shared. */
  meanDiff: number | null;
  ttest: PairedTest | null;
  /** Minimum detectable effect of the paired t-test (power 0.8, α = 0.05, two-sided) at the observed spread. */
  mde?: number | null;
  wilcoxon: WilcoxonTest | null;
  /** Why a test is absent, e.g. `n<2: no test`. */
  note: string | null;
}

/** One stage as the report sees it: done or not, its metrics, where to trace it. */
export interface StageRecord {
  key: StageKey;
  kind: StageKind;
  title: string;
  done: boolean;
  metrics: Record<string, number>;
  details: Record<string, unknown>;
  backend: string | null;
  provenance: Provenance;
  /** Set when the stage directory exists but cannot be read. */
  problem: string | null;
}

/** A row of `work/curves.jsonl`. */
export type { CurveRow } from '../store/curves.ts';
