/**
 * The validated, normalised experiment: what `validateExperiment()` returns and what the planner
 * consumes. Defaults are already inherited, sweeps already expanded into points, references
 * already checked. Raw YAML shapes live only inside the config layer.
 */

export type Metric = 'micro_f1' | 'macro_f1' | 'accuracy';

/** An unlabelled text collection: `<path>.txt` or `<path>.part-NNN.txt`, one document per line. */
export interface CorpusDef {
  name: string;
  /** Relative to the data root, without extension, e.g. `corpora/biomed`. */
  path: string;
  /** Domain this corpus represents (`biomed`, `cs`, ...); used for the ¬DAPT pairing. */
  domain: string | null;
}

export interface TaskDef {
  name: string;
  /** Directory relative to the data root holding train/dev/test.jsonl, e.g. `tasks/chemprot`. */
  path: string;
  metric: Metric;
  domain: string | null;
  /** Low-resource setting (the paper's RCT-500): keep `size` labelled train examples, stratified
   *  and seeded; the rest of train becomes the task's unlabelled pool. */
  labelled: { size: number; seed: number } | null;
  /** Drop train examples whose text also occurs in dev/test (HYPERPARTISAN's released overlap). */
  dedupeTrain: boolean;
}

export type MaskingSchedule =
  | { kind: 'constant'; p: number }
  | { kind: 'linear'; from: number; to: number }
  | { kind: 'cosine'; from: number; to: number }
  /** `values[i]` applies from `boundaries[i-1]` (fraction of training, 0 for i=0) on;
   *  values.length === boundaries.length + 1, boundaries strictly increasing in (0,1). */
  | { kind: 'step'; values: number[]; boundaries: number[] };

export interface MaskingSpec {
  schedule: MaskingSchedule;
  /** The 80/10/10 split of masked positions: [MASK] / random token / unchanged. Sums to 1. */
  replace: { mask: number; random: number; keep: number };
  wholeWord: boolean;
  remaskEachEpoch: boolean;
  maxSeqLength: number;
  packing: 'packed' | 'line_by_line';
}

export type TrainingBudget = { maxSteps: number } | { epochs: number };
export type Warmup = { steps: number } | { ratio: number };

export interface OptimSpec {
  lr: number;
  /** Learning rate for the task head (MLM head in pretraining, classifier in fine-tuning); null = lr. */
  headLr: number | null;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  warmup: Warmup;
  decay: 'linear' | 'cosine' | 'constant';
  batchSize: number;
  gradAccum: number;
  budget: TrainingBudget;
  /** Global-norm gradient clipping; null = off. */
  clipNorm: number | null;
}

/** Held-out MLM evaluation during pretraining. */
export interface HeldOutSpec {
  /** Fraction of documents held out (the last ones, deterministic). */
  fraction: number;
  maxDocs: number;
  everySteps: number;
}

export type EmbedderSpec =
  | { kind: 'tfidf'; dims: number; vocabulary: 'hashed' | 'fitted'; sublinearTf: boolean }
  /** Mean-pooled final hidden states of the arm's current model (the model before this phase). */
  | { kind: 'model'; maxSeqLength: number };

export type CuratedPool = { corpus: string } | { taskUnlabelled: true };

export type PhaseSource =
  | { type: 'dapt'; corpus: string; /** Set for ¬DAPT: the domain this run is the irrelevant control of. */ irrelevantTo: string | null }
  | { type: 'tapt' }
  | { type: 'curated_tapt'; pool: CuratedPool }
  | { type: 'knn_tapt'; pool: string; k: number; embedder: EmbedderSpec; includeTaskText: boolean }
  | {
      type: 'rand_tapt';
      pool: string;
      k: number;
      seed: number;
      /** Name of an arm with a knn_tapt phase: select exactly as many documents as it did. */
      sizeMatch: string | null;
      includeTaskText: boolean;
    }
  | { type: 'transfer_tapt'; task: string };

export type PhaseType = PhaseSource['type'];

export interface PhaseSpec {
  /** Display name (the arm item or the `phases:` key); never part of a stage key. */
  name: string;
  source: PhaseSource;
  masking: MaskingSpec;
  optim: OptimSpec;
  heldOut: HeldOutSpec;
  seed: number;
}

export interface ArmSpec {
  name: string;
  /** In order: DAPT then TAPT is [dapt, tapt]. Empty for the baseline. */
  phases: PhaseSpec[];
  /** Tasks this arm is fine-tuned on (default: every task of the experiment). */
  tasks: string[];
}

export interface ArchitectureSpec {
  modelType: 'bert' | 'roberta';
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
  maxPositions: number;
  typeVocabSize: number;
  hiddenAct: 'gelu';
  dropout: number;
  attentionDropout: number;
  layerNormEps: number;
}

export interface TokenizerTrainSpec {
  kind: 'wordpiece' | 'bpe';
  vocabSize: number;
  lowercase: boolean;
  minFrequency: number;
}

export interface HubBase {
  id: string;
  revision: string;
  commit: string | null;
}

/** Finds a Hub model in the local Hub cache (config loading reads no network). */
export type HubResolver = (id: string, revision: string) => { dir: string; commit: string | null };

export type BaseSpec =
  /**
   * A local Hugging Face checkpoint directory (absolute after loading). For `base: {hub}` it is the
   * Hub cache's snapshot of the revision's commit; `hub.commit` is null when the cache does not
   * have it yet (then planning reports it missing and says to `dapt pull` it).
   */
  | { kind: 'checkpoint'; path: string; from: string | null; hub?: HubBase }
  | {
      kind: 'scratch';
      /** The file the base was declared in when referenced (`base: {experiment: base.yaml}`). */
      from: string | null;
      corpus: CorpusDef;
      architecture: ArchitectureSpec;
      tokenizer: TokenizerTrainSpec;
      masking: MaskingSpec;
      optim: OptimSpec;
      heldOut: HeldOutSpec;
      seed: number;
      /** Corpora (other than its own) on which to record the base model's held-out MLM loss. */
      evaluateOn: CorpusDef[];
    };

export type DegeneratePolicy =
  | { policy: 'keep' }
  /** Re-run with a derived seed when the dev metric is at or below `threshold` (`chance` = the
   *  majority-class score on dev). Logged with the seed used. */
  | { policy: 'resample'; threshold: 'chance' | number; maxResamples: number }
  | { policy: 'drop'; threshold: 'chance' | number };

export interface FinetuneSpec {
  lr: number;
  headLr: number | null;
  weightDecay: number;
  beta1: number;
  beta2: number;
  eps: number;
  warmupRatio: number;
  decay: 'linear' | 'cosine' | 'constant';
  epochs: number;
  batchSize: number;
  gradAccum: number;
  /** Early stopping: epochs without dev improvement before stopping. */
  patience: number;
  dropout: number;
  maxSeqLength: number;
  /** Batches drawn from length-sorted groups of 50 batches (less padding, as HF's group_by_length). */
  groupByLength: boolean;
  clipNorm: number | null;
  /** Shared by every arm, so arms can be compared seed by seed. */
  seeds: number[];
  degenerate: DegeneratePolicy;
}

export interface PaperTarget {
  mean: number;
  std: number | null;
}

/** One fully resolved variant of an experiment (one sweep point). */
export interface ExperimentSpec {
  corpora: Record<string, CorpusDef>;
  tasks: Record<string, TaskDef>;
  base: BaseSpec;
  arms: ArmSpec[];
  finetune: FinetuneSpec;
  /** Also record every final pretrained model's held-out MLM loss on these corpora (paper Table 12). */
  mlmEvaluation: CorpusDef[];
  /** The non-neural floor per task (TF-IDF + logistic regression); null = off. */
  reference: ReferenceSpec | null;
  /** Linear probes of every arm's final pretrained model per task; null = off. */
  probe: ProbeSpec | null;
}

/** A logistic regression picked on dev: L2 strengths tried, class weighting, solver limits. */
export interface LinearClassifierSettings {
  cGrid: number[];
  classWeight: 'balanced' | 'none';
  maxIterations: number;
  gradTolerance: number;
}

export interface ReferenceSpec {
  /** Word n-grams 1..ngramMax, sublinear tf, L2-normalised rows. */
  ngramMax: number;
  /** The most frequent terms (by document frequency in train) kept. */
  maxFeatures: number;
  classifier: LinearClassifierSettings;
}

export interface ProbeSpec {
  maxSeqLength: number;
  classifier: LinearClassifierSettings;
}

export interface SweepOverride {
  /** Dotted path in the document, e.g. `defaults.masking.probability`. */
  path: string;
  value: unknown;
}

export interface SweepPoint {
  /** Readable and filesystem-safe, e.g. `probability=0.3` or the user's own name. `default` when there is no sweep. */
  name: string;
  overrides: SweepOverride[];
  spec: ExperimentSpec;
}

export interface ExecutionSpec {
  executor: 'local' | 'slurm';
  jobs: number | null;
  slurm: {
    partition: string | null;
    account: string | null;
    gpus: number;
    /** Extra `sbatch` arguments, passed verbatim. */
    extraArgs: string[];
  } | null;
}

/** What one Slurm job asks for. `mem` and `time` are in sbatch's own syntax (`16G`, `8:00:00`). */
export interface SlurmResources {
  cpus: number;
  mem: string;
  time: string;
  /** GPUs per job (`--gres=gpu:N`); only stage kinds that run a model get them. */
  gpus: number;
}

/** A profile's `slurm:` section (schemas/profile.schema.json), camelCased. */
export interface SlurmProfile {
  partition?: string;
  account?: string;
  gpus?: number;
  extraArgs?: string[];
  setup?: string[];
  pollSeconds?: number;
  /** By stage kind, or `default` for every kind not named (the schema lists the kinds). */
  resources?: Partial<Record<string, Partial<SlurmResources>>>;
}

/** An execution profile file (`--profile FILE`, config/profile.ts). */
export interface ExecutionProfile {
  /** Absolute. */
  file: string;
  executor: string | null;
  jobs: number | null;
  slurm: SlurmProfile | null;
}

export interface Experiment {
  name: string;
  /** Free text from the file's `description:`, for reports. */
  description?: string | null;
  /** Absolute path of the YAML file. */
  file: string;
  /** Data root as declared in the file (absolute), or null; the loader applies overrides. */
  dataRoot: string | null;
  points: SweepPoint[];
  /** arm -> task -> target. */
  targets: Record<string, Record<string, PaperTarget>>;
  /** The arm every other arm is compared with in the report (default: the one with no phases). */
  baselineArm: string;
  execution: ExecutionSpec | null;
}

/** A problem found in an experiment file, located in the source. Issues are data; see format.ts. */
export interface ConfigIssue {
  code: string;
  /** Path in the document, e.g. ['arms', 'dapt', 0, 'dapt']. */
  path: Array<string | number>;
  message: string;
  file: string;
  line: number;
  col: number;
  expected?: string;
  found?: string;
  suggestion?: string;
  /** The source line the issue points at (without the newline), for a caret display. */
  excerpt?: string;
}

export type ValidationResult =
  | { ok: true; experiment: Experiment; warnings: ConfigIssue[] }
  | { ok: false; issues: ConfigIssue[] };
