/**
 * Small builders for validated Experiments, so planner tests do not depend on the YAML layer.
 * Sweep points are deep copies (as the config layer produces them): any sharing the planner finds
 * comes from equal content, never from shared objects.
 */
import { createHash } from 'node:crypto';
import type {
  ArmSpec,
  BaseSpec,
  CorpusDef,
  ProbeSpec,
  ReferenceSpec,
  Experiment,
  ExperimentSpec,
  FinetuneSpec,
  HeldOutSpec,
  MaskingSpec,
  OptimSpec,
  PhaseSource,
  PhaseSpec,
  SweepPoint,
  TaskDef,
} from '../../src/config/types.ts';
import { usedInputs, type InputCatalog } from '../../src/plan/index.ts';

export const masking = (p = 0.15): MaskingSpec => ({
  schedule: { kind: 'constant', p },
  replace: { mask: 0.8, random: 0.1, keep: 0.1 },
  wholeWord: false,
  remaskEachEpoch: true,
  maxSeqLength: 64,
  packing: 'line_by_line',
});

export const optim = (lr = 1e-4): OptimSpec => ({
  lr,
  headLr: null,
  beta1: 0.9,
  beta2: 0.98,
  eps: 1e-6,
  weightDecay: 0.01,
  warmup: { ratio: 0.06 },
  decay: 'linear',
  batchSize: 16,
  gradAccum: 1,
  budget: { maxSteps: 100 },
  clipNorm: 1,
});

export const heldOut = (): HeldOutSpec => ({ fraction: 0.05, maxDocs: 200, everySteps: 50 });

export const finetune = (seeds = [1, 2, 3], lr = 2e-5): FinetuneSpec => ({
  lr,
  headLr: null,
  weightDecay: 0.1,
  beta1: 0.9,
  beta2: 0.98,
  eps: 1e-6,
  warmupRatio: 0.06,
  decay: 'linear',
  epochs: 3,
  batchSize: 16,
  gradAccum: 1,
  patience: 2,
  dropout: 0.1,
  maxSeqLength: 64,
  groupByLength: false,
  clipNorm: 1,
  seeds,
  degenerate: { policy: 'resample', threshold: 'chance', maxResamples: 2 },
});

export const corpus = (name: string, path = `corpora/${name}`, domain: string | null = name): CorpusDef => ({ name, path, domain });

export const task = (name: string, opts: Partial<TaskDef> = {}): TaskDef => ({
  name,
  path: `tasks/${name}`,
  metric: 'macro_f1',
  domain: null,
  labelled: null,
  dedupeTrain: false,
  ...opts,
});

export const phase = (name: string, source: PhaseSource, opts: Partial<PhaseSpec> = {}): PhaseSpec => ({
  name,
  source,
  masking: masking(),
  optim: optim(),
  heldOut: heldOut(),
  seed: 0,
  ...opts,
});

export const dapt = (corpusName: string, name = 'dapt', irrelevantTo: string | null = null): PhaseSpec =>
  phase(name, { type: 'dapt', corpus: corpusName, irrelevantTo });
export const tapt = (name = 'tapt'): PhaseSpec => phase(name, { type: 'tapt' });

export const arm = (name: string, phases: PhaseSpec[], tasks: string[]): ArmSpec => ({ name, phases, tasks });

export const checkpointBase = (path = '/models/roberta-mini'): BaseSpec => ({ kind: 'checkpoint', path, from: null });

export const scratchBase = (corpusDef: CorpusDef, evaluateOn: CorpusDef[] = []): BaseSpec => ({
  kind: 'scratch',
  from: null,
  corpus: corpusDef,
  architecture: {
    modelType: 'bert',
    layers: 2,
    hidden: 64,
    heads: 2,
    intermediate: 128,
    maxPositions: 128,
    typeVocabSize: 2,
    hiddenAct: 'gelu',
    dropout: 0.1,
    attentionDropout: 0.1,
    layerNormEps: 1e-12,
  },
  tokenizer: { kind: 'wordpiece', vocabSize: 2000, lowercase: true, minFrequency: 2 },
  masking: masking(),
  optim: optim(5e-4),
  heldOut: heldOut(),
  seed: 0,
  evaluateOn,
});

export interface SpecInput {
  corpora: CorpusDef[];
  tasks: TaskDef[];
  arms: ArmSpec[];
  base?: BaseSpec;
  finetune?: FinetuneSpec;
  mlmEvaluation?: CorpusDef[];
  reference?: ReferenceSpec | null;
  probe?: ProbeSpec | null;
}

export function spec(input: SpecInput): ExperimentSpec {
  return {
    corpora: Object.fromEntries(input.corpora.map((c) => [c.name, c])),
    tasks: Object.fromEntries(input.tasks.map((t) => [t.name, t])),
    base: input.base ?? checkpointBase(),
    arms: input.arms,
    finetune: input.finetune ?? finetune(),
    mlmEvaluation: input.mlmEvaluation ?? [],
    // Off unless a test asks: the plans these fixtures snapshot predate both rows.
    reference: input.reference ?? null,
    probe: input.probe ?? null,
  };
}

/** An experiment with one point per `variants` entry (name → edit of a fresh copy of `base`). */
export function experiment(
  name: string,
  base: ExperimentSpec,
  variants: Record<string, (s: ExperimentSpec) => void> = { default: () => {} },
  opts: Partial<Pick<Experiment, 'file' | 'baselineArm' | 'targets'>> = {},
): Experiment {
  const points: SweepPoint[] = Object.entries(variants).map(([pointName, edit]) => {
    const s = structuredClone(base);
    edit(s);
    return { name: pointName, overrides: [], spec: s };
  });
  return {
    name,
    file: opts.file ?? `/work/experiments/${name}.yaml`,
    dataRoot: null,
    points,
    targets: opts.targets ?? {},
    baselineArm: opts.baselineArm ?? points[0]?.spec.arms.find((a) => a.phases.length === 0)?.name ?? 'baseline',
    execution: null,
  };
}

const fakeId = (what: string): string => createHash('sha256').update(what).digest('hex');

/**
 * A catalog whose content ids are derived from each input's path (so equal paths mean equal
 * content), unless `content` maps a path to an explicit id.
 */
export function catalogFor(experiments: Experiment[], content: Record<string, string> = {}): InputCatalog {
  const catalog: InputCatalog = { corpora: {}, tasks: {}, checkpoints: {} };
  for (const e of experiments) {
    for (const p of e.points) {
      const used = usedInputs(p.spec);
      for (const path of used.corpora.keys()) {
        catalog.corpora[path] = { content: content[path] ?? fakeId(`corpus:${path}`), location: { kind: 'corpus', files: [`/data/${path}.txt`] } };
      }
      for (const path of used.tasks.keys()) {
        catalog.tasks[path] = { content: content[path] ?? fakeId(`task:${path}`), location: { kind: 'task', dir: `/data/${path}` } };
      }
      for (const dir of used.checkpoints) {
        catalog.checkpoints[dir] = { content: content[dir] ?? fakeId(`checkpoint:${dir}`), location: { kind: 'checkpoint', dir } };
      }
    }
  }
  return catalog;
}

/** The paper's arms for one domain: baseline, DAPT, ¬DAPT, TAPT, DAPT+TAPT. */
export function domainSpec(domain: string, tasks: string[], irrelevant: string, seeds = [1, 2, 3]): ExperimentSpec {
  return spec({
    corpora: [corpus(domain), corpus(irrelevant)],
    tasks: tasks.map((t) => task(t)),
    arms: [
      arm('baseline', [], tasks),
      arm('dapt', [dapt(domain)], tasks),
      arm('not_dapt', [dapt(irrelevant, 'not_dapt', domain)], tasks),
      arm('tapt', [tapt()], tasks),
      arm('dapt_tapt', [dapt(domain), tapt()], tasks),
    ],
    finetune: finetune(seeds),
  });
}
