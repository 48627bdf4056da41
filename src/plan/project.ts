/**
 * Copies of config objects holding exactly the fields that decide a stage's output. Params are
 * built from these, never from the config objects themselves, so nothing else the config layer
 * attaches (names, source positions, future fields) can leak into a stage key unnoticed. Adding
 * a field to one of these types is a compile error here until it is decided whether it counts.
 */
import type {
  ArchitectureSpec,
  EmbedderSpec,
  FinetuneSpec,
  HeldOutSpec,
  MaskingSchedule,
  MaskingSpec,
  OptimSpec,
  TokenizerTrainSpec,
  TrainingBudget,
  Warmup,
  DegeneratePolicy,
  LinearClassifierSettings,
} from '../config/types.ts';
import type { Canonicalizer } from './canonical.ts';
import type { FinetuneParams } from './types.ts';

/** One projection per source object, marked shared so each is canonicalised once however often it is used. */
export class Projector {
  private readonly cache = new Map<object, object>();

  constructor(private readonly canon: Canonicalizer) {}

  private once<S extends object, T extends object>(source: S, make: (s: S) => T): T {
    const hit = this.cache.get(source);
    if (hit !== undefined) return hit as T;
    const made = this.canon.share(make(source));
    this.cache.set(source, made);
    return made;
  }

  masking(m: MaskingSpec): MaskingSpec {
    return this.once(m, projectMasking);
  }
  optim(o: OptimSpec): OptimSpec {
    return this.once(o, projectOptim);
  }
  heldOut(h: HeldOutSpec): HeldOutSpec {
    return this.once(h, projectHeldOut);
  }
  embedder(e: EmbedderSpec): EmbedderSpec {
    return this.once(e, projectEmbedder);
  }
  architecture(a: ArchitectureSpec): ArchitectureSpec {
    return this.once(a, projectArchitecture);
  }
  tokenizer(t: TokenizerTrainSpec): TokenizerTrainSpec {
    return this.once(t, projectTokenizer);
  }
  finetune(f: FinetuneSpec): FinetuneParams['hparams'] {
    return this.once(f, projectFinetune);
  }
  classifier(c: LinearClassifierSettings): LinearClassifierSettings {
    return this.once(c, projectClassifier);
  }
}

function projectSchedule(s: MaskingSchedule): MaskingSchedule {
  switch (s.kind) {
    case 'constant':
      return { kind: 'constant', p: s.p };
    case 'linear':
    case 'cosine':
      return { kind: s.kind, from: s.from, to: s.to };
    case 'step':
      return { kind: 'step', values: [...s.values], boundaries: [...s.boundaries] };
  }
}

function projectMasking(m: MaskingSpec): MaskingSpec {
  return {
    schedule: projectSchedule(m.schedule),
    replace: { mask: m.replace.mask, random: m.replace.random, keep: m.replace.keep },
    wholeWord: m.wholeWord,
    remaskEachEpoch: m.remaskEachEpoch,
    maxSeqLength: m.maxSeqLength,
    packing: m.packing,
  };
}

function projectBudget(b: TrainingBudget): TrainingBudget {
  return 'maxSteps' in b ? { maxSteps: b.maxSteps } : { epochs: b.epochs };
}

function projectWarmup(w: Warmup): Warmup {
  return 'steps' in w ? { steps: w.steps } : { ratio: w.ratio };
}

function projectOptim(o: OptimSpec): OptimSpec {
  return {
    lr: o.lr,
    headLr: o.headLr,
    beta1: o.beta1,
    beta2: o.beta2,
    eps: o.eps,
    weightDecay: o.weightDecay,
    warmup: projectWarmup(o.warmup),
    decay: o.decay,
    batchSize: o.batchSize,
    gradAccum: o.gradAccum,
    budget: projectBudget(o.budget),
    clipNorm: o.clipNorm,
  };
}

function projectHeldOut(h: HeldOutSpec): HeldOutSpec {
  return { fraction: h.fraction, maxDocs: h.maxDocs, everySteps: h.everySteps };
}

function projectEmbedder(e: EmbedderSpec): EmbedderSpec {
  return e.kind === 'tfidf'
    ? { kind: 'tfidf', dims: e.dims, vocabulary: e.vocabulary, sublinearTf: e.sublinearTf }
    : { kind: 'model', maxSeqLength: e.maxSeqLength };
}

function projectArchitecture(a: ArchitectureSpec): ArchitectureSpec {
  return {
    modelType: a.modelType,
    layers: a.layers,
    hidden: a.hidden,
    heads: a.heads,
    intermediate: a.intermediate,
    maxPositions: a.maxPositions,
    typeVocabSize: a.typeVocabSize,
    hiddenAct: a.hiddenAct,
    dropout: a.dropout,
    attentionDropout: a.attentionDropout,
    layerNormEps: a.layerNormEps,
  };
}

function projectTokenizer(t: TokenizerTrainSpec): TokenizerTrainSpec {
  return { kind: t.kind, vocabSize: t.vocabSize, lowercase: t.lowercase, minFrequency: t.minFrequency };
}

function projectDegenerate(d: DegeneratePolicy): DegeneratePolicy {
  switch (d.policy) {
    case 'keep':
      return { policy: 'keep' };
    case 'resample':
      return { policy: 'resample', threshold: d.threshold, maxResamples: d.maxResamples };
    case 'drop':
      return { policy: 'drop', threshold: d.threshold };
  }
}

function projectFinetune(f: FinetuneSpec): FinetuneParams['hparams'] {
  return {
    lr: f.lr,
    headLr: f.headLr,
    weightDecay: f.weightDecay,
    beta1: f.beta1,
    beta2: f.beta2,
    eps: f.eps,
    warmupRatio: f.warmupRatio,
    decay: f.decay,
    epochs: f.epochs,
    batchSize: f.batchSize,
    gradAccum: f.gradAccum,
    patience: f.patience,
    dropout: f.dropout,
    maxSeqLength: f.maxSeqLength,
    clipNorm: f.clipNorm,
    degenerate: projectDegenerate(f.degenerate),
    // Only when on, so the keys of stages planned before the option existed stay as they were.
    ...(f.groupByLength ? { groupByLength: true } : {}),
  };
}

function projectClassifier(c: LinearClassifierSettings): LinearClassifierSettings {
  return { cGrid: [...c.cGrid], classWeight: c.classWeight, maxIterations: c.maxIterations, gradTolerance: c.gradTolerance };
}
