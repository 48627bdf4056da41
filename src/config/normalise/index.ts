/** A valid raw document (one sweep point) to the ExperimentSpec the planner consumes. */
import { dirname, resolve } from 'node:path';
import { BUILTIN_ARCHITECTURE, BUILTIN_DEGENERATE, BUILTIN_FINETUNE, BUILTIN_LINEAR_CLASSIFIER, BUILTIN_REFERENCE, BUILTIN_TOKENIZER } from '../builtins.ts';
import { armEntries, armTasks, resolveItem } from '../phaseItems.ts';
import type {
  HubResolver,
  ArchitectureSpec,
  ArmSpec,
  BaseSpec,
  CorpusDef,
  DegeneratePolicy,
  ExecutionSpec,
  ExperimentSpec,
  FinetuneSpec,
  LinearClassifierSettings,
  PaperTarget,
  ProbeSpec,
  ReferenceSpec,
  TaskDef,
  TokenizerTrainSpec,
} from '../types.ts';
import { int, isRecord, list, num, rec, str, type Raw } from '../view.ts';
import { toPhaseSpec } from './phases.ts';
import { resolveSettings } from './settings.ts';

function corpora(doc: Raw): Record<string, CorpusDef> {
  const out: Record<string, CorpusDef> = {};
  for (const [name, v] of Object.entries(rec(doc.corpora))) {
    out[name] = typeof v === 'string' ? { name, path: v, domain: name } : { name, path: String(rec(v).path), domain: str(rec(v).domain) ?? name };
  }
  return out;
}

function tasks(doc: Raw): Record<string, TaskDef> {
  const out: Record<string, TaskDef> = {};
  for (const [name, v] of Object.entries(rec(doc.tasks))) {
    const t = rec(v);
    const l = t.labelled;
    out[name] = {
      name,
      path: String(t.path),
      metric: t.metric as TaskDef['metric'],
      domain: str(t.domain) ?? null,
      labelled: typeof l === 'number' ? { size: l, seed: 0 } : isRecord(l) ? { size: Number(l.size), seed: int(l.seed) ?? 0 } : null,
      dedupeTrain: t.dedupe_train === true,
    };
  }
  return out;
}

function architecture(a: Raw): ArchitectureSpec {
  const b = BUILTIN_ARCHITECTURE;
  return {
    modelType: a.model_type === 'roberta' ? 'roberta' : b.modelType,
    layers: int(a.layers) ?? b.layers,
    hidden: int(a.hidden) ?? b.hidden,
    heads: int(a.heads) ?? b.heads,
    intermediate: int(a.intermediate) ?? b.intermediate,
    maxPositions: int(a.max_positions) ?? b.maxPositions,
    typeVocabSize: int(a.type_vocab_size) ?? b.typeVocabSize,
    hiddenAct: 'gelu',
    dropout: num(a.dropout) ?? b.dropout,
    attentionDropout: num(a.attention_dropout) ?? b.attentionDropout,
    layerNormEps: num(a.layer_norm_eps) ?? b.layerNormEps,
  };
}

function tokenizer(t: Raw): TokenizerTrainSpec {
  const b = BUILTIN_TOKENIZER;
  return {
    kind: t.kind === 'bpe' ? 'bpe' : b.kind,
    vocabSize: int(t.vocab_size) ?? b.vocabSize,
    lowercase: typeof t.lowercase === 'boolean' ? t.lowercase : b.lowercase,
    minFrequency: int(t.min_frequency) ?? b.minFrequency,
  };
}

/** The base when it is declared in this file (`checkpoint:` or `scratch:`); references are resolved by the caller. */
export function ownBase(doc: Raw, file: string, hub?: HubResolver): BaseSpec | null {
  const base = rec(doc.base);
  const checkpoint = str(base.checkpoint);
  if (checkpoint !== undefined) return { kind: 'checkpoint', path: resolve(dirname(file), checkpoint), from: null };
  const id = str(base.hub);
  if (id !== undefined) {
    const revision = str(base.revision) ?? 'main';
    // Without a resolver (validating text alone) the path only names the model; planning needs one.
    const found = hub ? hub(id, revision) : { dir: `hub:${id}@${revision}`, commit: null };
    return { kind: 'checkpoint', path: found.dir, from: null, hub: { id, revision, commit: found.commit } };
  }
  if (!isRecord(base.scratch)) return null;
  const s = base.scratch;
  const cs = corpora(doc);
  return {
    kind: 'scratch',
    from: null,
    corpus: cs[String(s.corpus)]!,
    architecture: architecture(rec(s.architecture)),
    tokenizer: tokenizer(rec(s.tokenizer)),
    ...resolveSettings('scratch', [doc.defaults, s]),
    evaluateOn: list(s.evaluate_on).map((c) => cs[String(c)]!),
  };
}

function degenerate(v: unknown): DegeneratePolicy {
  const o = isRecord(v) ? v : { policy: v };
  const threshold = o.threshold === undefined ? BUILTIN_DEGENERATE.threshold : o.threshold === 'chance' ? 'chance' : Number(o.threshold);
  if (o.policy === 'resample') return { policy: 'resample', threshold, maxResamples: int(o.max_resamples) ?? BUILTIN_DEGENERATE.max_resamples };
  if (o.policy === 'drop') return { policy: 'drop', threshold };
  return { policy: 'keep' };
}

function finetune(doc: Raw): FinetuneSpec {
  const f: Raw = { ...BUILTIN_FINETUNE, ...rec(doc.finetune) };
  const betas = f.betas as number[];
  return {
    lr: Number(f.lr),
    headLr: num(f.head_lr) ?? null,
    weightDecay: Number(f.weight_decay),
    beta1: betas[0] ?? 0.9,
    beta2: betas[1] ?? 0.98,
    eps: Number(f.eps),
    warmupRatio: Number(f.warmup_ratio),
    decay: f.decay === 'cosine' || f.decay === 'constant' ? f.decay : 'linear',
    epochs: Number(f.epochs),
    batchSize: Number(f.batch_size),
    gradAccum: Number(f.grad_accum),
    patience: Number(f.patience),
    dropout: Number(f.dropout),
    maxSeqLength: Number(f.max_seq_length),
    groupByLength: f.group_by_length === true,
    clipNorm: f.clip_norm === null ? null : Number(f.clip_norm),
    seeds: list(f.seeds).map(Number),
    degenerate: degenerate(f.degenerate),
  };
}

function linearClassifier(o: Raw): LinearClassifierSettings {
  return {
    cGrid: (Array.isArray(o.c) ? o.c : BUILTIN_LINEAR_CLASSIFIER.c).map(Number),
    classWeight: BUILTIN_LINEAR_CLASSIFIER.class_weight,
    maxIterations: BUILTIN_LINEAR_CLASSIFIER.max_iterations,
    gradTolerance: BUILTIN_LINEAR_CLASSIFIER.grad_tolerance,
  };
}

/** `reference:` — on unless `false`. */
function reference(doc: Raw): ReferenceSpec | null {
  if (doc.reference === false) return null;
  const o = rec(doc.reference);
  return { ngramMax: int(o.ngram_max) ?? BUILTIN_REFERENCE.ngram_max, maxFeatures: int(o.max_features) ?? BUILTIN_REFERENCE.max_features, classifier: linearClassifier(o) };
}

/** `probe:` — on unless `false`; texts cut like fine-tuning's unless said otherwise. */
function probe(doc: Raw, finetuneSpec: FinetuneSpec): ProbeSpec | null {
  if (doc.probe === false) return null;
  const o = rec(doc.probe);
  return { maxSeqLength: int(o.max_seq_length) ?? finetuneSpec.maxSeqLength, classifier: linearClassifier(o) };
}

function arms(doc: Raw, taskNames: string[]): ArmSpec[] {
  if (!Object.hasOwn(doc, 'arms')) return [{ name: 'baseline', phases: [], tasks: taskNames }];
  return armEntries(doc).map((arm) => ({
    name: arm.name,
    phases: arm.items.map((item, i) => toPhaseSpec(doc, resolveItem(doc, item, [...arm.itemsPath, i])!)),
    tasks: armTasks(doc, arm),
  }));
}

/** One sweep point's spec; `base` is this file's own base or the referenced one. */
export function normalisePoint(doc: Raw, base: BaseSpec): ExperimentSpec {
  const cs = corpora(doc);
  const ts = tasks(doc);
  const ft = finetune(doc);
  return {
    corpora: cs,
    tasks: ts,
    base,
    arms: arms(doc, Object.keys(ts)),
    finetune: ft,
    mlmEvaluation: list(doc.mlm_evaluation).map((c) => cs[String(c)]!),
    reference: reference(doc),
    probe: probe(doc, ft),
  };
}

export function baselineArmOf(doc: Raw): string {
  const explicit = str(doc.baseline_arm);
  if (explicit !== undefined) return explicit;
  if (!Object.hasOwn(doc, 'arms')) return 'baseline';
  return armEntries(doc).find((a) => a.items.length === 0)?.name ?? 'baseline';
}

export function targetsOf(doc: Raw): Record<string, Record<string, PaperTarget>> {
  const out: Record<string, Record<string, PaperTarget>> = {};
  for (const [arm, row] of Object.entries(rec(doc.targets))) {
    out[arm] = {};
    for (const [task, t] of Object.entries(rec(row))) {
      out[arm][task] = typeof t === 'number' ? { mean: t, std: null } : { mean: Number(rec(t).mean), std: num(rec(t).std) ?? null };
    }
  }
  return out;
}

export function executionOf(doc: Raw): ExecutionSpec | null {
  if (!isRecord(doc.execution)) return null;
  const e = doc.execution;
  const s = e.slurm;
  return {
    executor: e.executor === 'slurm' ? 'slurm' : 'local',
    jobs: int(e.jobs) ?? null,
    slurm: isRecord(s)
      ? { partition: str(s.partition) ?? null, account: str(s.account) ?? null, gpus: int(s.gpus) ?? 0, extraArgs: list(s.extra_args).map(String) }
      : null,
  };
}

/** The experiment's name: `name:` or the file name without extension, made filesystem-safe. */
export function experimentName(doc: Raw, file: string): string {
  const explicit = str(doc.name);
  if (explicit !== undefined) return explicit;
  const stem = file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  return stem.replace(/[^A-Za-z0-9._-]+/g, '_') || 'experiment';
}

export function dataRootOf(doc: Raw, file: string): string | null {
  const d = str(doc.data_root);
  return d === undefined ? null : resolve(dirname(file), d);
}
