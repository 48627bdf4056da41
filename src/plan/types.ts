/**
 * The Plan: plain data (serialisable, printable, snapshot-testable). Produced by the pure
 * planner from validated experiments plus the content hashes the data loader supplies.
 *
 * Rule for everything under `params`: it holds exactly what decides the stage's output and
 * nothing else — no display names, no absolute paths. Inputs appear as content ids (sha256 over
 * their files); where they live on this machine is in `Stage.inputs`, which is not hashed.
 */
import type {
  ArchitectureSpec,
  EmbedderSpec,
  FinetuneSpec,
  HeldOutSpec,
  LinearClassifierSettings,
  MaskingSpec,
  Metric,
  OptimSpec,
  PaperTarget,
  TokenizerTrainSpec,
} from '../config/types.ts';

/** Every stage kind, in the order views list them. The one place they are written out. */
export const STAGE_KINDS = ['select', 'pretrain', 'finetune', 'evaluate', 'aggregate'] as const;
export type StageKind = (typeof STAGE_KINDS)[number];

/** Hex prefix (24 chars) of sha256 over the canonical JSON of {kind, params, parents, format}. */
export type StageKey = string;

/** Content id: sha256 hex over an input's file names, sizes and hashes (see src/data/catalog). */
export type ContentId = string;

/** Where an input lives on this machine. Not part of any key. */
export type InputLocation =
  /** Part files in reading order. */
  | { kind: 'corpus'; files: string[] }
  /** Directory with train/dev/test.jsonl. */
  | { kind: 'task'; dir: string }
  /** Hugging Face checkpoint directory. */
  | { kind: 'checkpoint'; dir: string };

/** A task as a training/evaluation input: its data plus how it is split. */
export interface TaskInput {
  content: ContentId;
  labelled: { size: number; seed: number } | null;
  dedupeTrain: boolean;
}

/** Text a pretraining stage reads, concatenated in order. */
export type TextSource =
  | { kind: 'corpus'; content: ContentId; /** held-out docs are excluded from training */ }
  /** `train` = the labelled train text; `unlabelled` = the low-resource remainder. */
  | { kind: 'task_text'; task: TaskInput; part: 'train' | 'unlabelled' }
  /** The documents chosen by a parent select stage. */
  | { kind: 'selected'; stage: StageKey };

export type ModelInit =
  | { from: 'checkpoint'; content: ContentId }
  | { from: 'stage'; stage: StageKey }
  | {
      from: 'scratch';
      architecture: ArchitectureSpec;
      tokenizer: TokenizerTrainSpec & { corpus: ContentId };
    };

export interface SelectParams {
  method: 'knn' | 'rand';
  /** Queries: the task's labelled train text. */
  task: TaskInput;
  pool: ContentId;
  k: number;
  /** knn only. `model` embeds with the model of `embedModel`. */
  embedder: EmbedderSpec | null;
  embedModel: ModelInit | null;
  seed: number;
  /** rand only: select as many documents as this (parent) knn stage did. */
  sizeMatch: StageKey | null;
}

export interface PretrainParams {
  init: ModelInit;
  data: TextSource[];
  masking: MaskingSpec;
  optim: OptimSpec;
  heldOut: HeldOutSpec;
  seed: number;
}

/** Fine-tuning settings of one seed; `groupByLength` only when on (keys of earlier plans stay valid). */
export type FinetuneHparams = Omit<FinetuneSpec, 'seeds' | 'groupByLength'> & { groupByLength?: true };

export interface FinetuneParams {
  init: ModelInit;
  task: TaskInput;
  metric: Metric;
  /** The seed list is not here: a finetune stage is one seed. */
  hparams: FinetuneHparams;
  seed: number;
}

export type EvaluateParams =
  | { target: 'classifier'; finetune: StageKey; task: TaskInput; metric: Metric; splits: Array<'dev' | 'test'> }
  /** Held-out MLM loss of a model on a corpus (paper Tables 1 and 12). */
  | {
      target: 'mlm';
      init: ModelInit;
      corpus: ContentId;
      heldOut: HeldOutSpec;
      maxSeqLength: number;
      seed: number;
      /** How tokens are masked for scoring. The planner always sets it (a fixed 15% / 80-10-10
       *  yardstick, so every model is scored alike); `maxSeqLength` above equals its maxSeqLength. */
      masking?: MaskingSpec;
    }
  /** The non-neural floor: TF-IDF word n-grams + logistic regression picked on dev. No parents. */
  | {
      target: 'reference';
      task: TaskInput;
      metric: Metric;
      features: { ngramMax: number; maxFeatures: number };
      classifier: LinearClassifierSettings;
    }
  /** A linear probe of a pretrained model: frozen [CLS] and mean-pooled features + logistic regression. */
  | {
      target: 'probe';
      init: ModelInit;
      task: TaskInput;
      metric: Metric;
      maxSeqLength: number;
      classifier: LinearClassifierSettings;
    };

/** One cell of the results table: the evaluate stage that scores (point, arm, task, seed). */
export interface ResultCell {
  experiment: string;
  point: string;
  arm: string;
  task: string;
  seed: number;
  metric: Metric;
  finetune: StageKey;
  evaluate: StageKey;
}

export interface MlmCell {
  experiment: string;
  point: string;
  /** `base`, or the arm whose final pretrained model this is. */
  model: string;
  /** Set when the arm's final model depends on the task (TAPT-like phases): one cell per task. */
  task?: string;
  corpus: string;
  evaluate: StageKey;
}

/** The reference row of one task (no arm: it involves no model). */
export interface ReferenceCell {
  experiment: string;
  point: string;
  task: string;
  metric: Metric;
  evaluate: StageKey;
}

/** The linear probe of one arm's final pretrained model on one task. */
export interface ProbeCell {
  experiment: string;
  point: string;
  arm: string;
  task: string;
  metric: Metric;
  evaluate: StageKey;
}

/** A claim of the paper as a paired comparison of two arms on one task (see plan/claims.ts). */
export interface ClaimSpec {
  point: string;
  task: string;
  claim: 'DAPT > base' | 'TAPT > base' | 'DAPT+TAPT ≥ DAPT' | '¬DAPT < DAPT';
  /** The arm the claim expects to score higher (or, for ≥, not lower). */
  better: string;
  worse: string;
  relation: '>' | '>=';
}

export interface AggregateParams {
  experiment: string;
  baselineArm: string;
  cells: ResultCell[];
  mlm: MlmCell[];
  targets: Record<string, Record<string, PaperTarget>>;
  /** Present only when non-empty, so aggregate keys of plans without them stay as they were. */
  references?: ReferenceCell[];
  probes?: ProbeCell[];
  claims?: ClaimSpec[];
}

export type StageParams =
  | { kind: 'select'; params: SelectParams }
  | { kind: 'pretrain'; params: PretrainParams }
  | { kind: 'finetune'; params: FinetuneParams }
  | { kind: 'evaluate'; params: EvaluateParams }
  | { kind: 'aggregate'; params: AggregateParams };

/** Why a stage exists: one entry per (experiment, point, arm, task, seed) that uses it. */
export interface StageLabel {
  experiment: string;
  point?: string;
  arm?: string;
  phase?: string;
  task?: string;
  seed?: number;
  corpus?: string;
}

export type Stage = StageParams & {
  key: StageKey;
  parents: StageKey[];
  /** Short human title, e.g. `pretrain dapt(biomed)` or `finetune chemprot seed 3`. */
  title: string;
  labels: StageLabel[];
  inputs: Record<ContentId, InputLocation>;
};

export interface PlannedExperiment {
  name: string;
  file: string;
  points: string[];
  arms: string[];
  tasks: string[];
  seeds: number[];
  baselineArm: string;
  aggregate: StageKey;
}

export interface Plan {
  formatVersion: number;
  experiments: PlannedExperiment[];
  /** Topologically ordered: every stage comes after its parents. Keys are unique. */
  stages: Stage[];
}

/** What the loader (impure) tells the pure planner about inputs: content ids and locations. */
export interface InputCatalog {
  /** Keyed by CorpusDef.path (data-root relative), so names may differ between files. */
  corpora: Record<string, { content: ContentId; location: InputLocation }>;
  /** Keyed by TaskDef.path. */
  tasks: Record<string, { content: ContentId; location: InputLocation }>;
  /** Keyed by absolute checkpoint directory. */
  checkpoints: Record<string, { content: ContentId; location: InputLocation }>;
}
