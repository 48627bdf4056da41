/**
 * Tiny data for trainer tests: a corpus with a learnable pattern (words of a fixed cycle, each
 * document starting somewhere in it), a WordPiece tokenizer trained on it, tiny model configs,
 * HF checkpoint directories and a StageContext with a recording reporter.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArchitectureSpec, HeldOutSpec, MaskingSpec, OptimSpec } from '../../src/config/types.ts';
import type { FinetuneHparams, InputLocation } from '../../src/plan/types.ts';
import type { StageContext, StageReporter, StageSpec } from '../../src/stages/types.ts';
import { initBackend } from '../../src/train/backend/index.ts';
import { saveHfCheckpoint } from '../../src/train/checkpoint/hf-dir.ts';
import { configFromArchitecture, type ModelConfig } from '../../src/train/model/config.ts';
import { buildModel, disposeModel, type HeadKind } from '../../src/train/model/model.ts';
import { TextTokenizer } from '../../src/train/tokenize/tokenizer.ts';
import { trainTokenizer } from '../../src/train/tokenize/train-tokenizer.ts';

export const cycleWords = ['amber', 'bright', 'cedar', 'delta', 'ember', 'frost', 'glade', 'harbor', 'ivory', 'jasper', 'kelp', 'lunar'];

/** Documents of `length` words following the cycle from a start that depends on the index. */
export function cycleDocs(count: number, length = 12): string[] {
  return Array.from({ length: count }, (_, d) => Array.from({ length }, (_, i) => cycleWords[(d * 5 + i) % cycleWords.length]).join(' '));
}

export function tempDir(prefix = 'dapt-train-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

let cachedTokenizer: { bert: string; roberta: string } | null = null;

/** tokenizer.json text of a WordPiece (bert) or byte-level BPE (roberta) tokenizer for the cycle corpus. */
export function toyTokenizerJson(kind: 'bert' | 'roberta'): string {
  cachedTokenizer ??= {
    bert: trainTokenizer(cycleDocs(40), { kind: 'wordpiece', vocabSize: 80, lowercase: true, minFrequency: 0 }).json,
    roberta: trainTokenizer(cycleDocs(40), { kind: 'bpe', vocabSize: 300, lowercase: false, minFrequency: 0 }).json,
  };
  return cachedTokenizer[kind];
}

export function toyTokenizer(kind: 'bert' | 'roberta'): TextTokenizer {
  return new TextTokenizer(toyTokenizerJson(kind), {}, `toy ${kind} tokenizer`);
}

export function tinyArchitecture(modelType: 'bert' | 'roberta' = 'bert'): ArchitectureSpec {
  return {
    modelType,
    layers: 2,
    hidden: 32,
    heads: 2,
    intermediate: 64,
    maxPositions: 64,
    typeVocabSize: modelType === 'roberta' ? 1 : 2,
    hiddenAct: 'gelu',
    dropout: 0.1,
    attentionDropout: 0.1,
    layerNormEps: 1e-12,
  };
}

export function tinyConfig(modelType: 'bert' | 'roberta' = 'bert', labels: string[] | null = null, architecture = tinyArchitecture(modelType)): ModelConfig {
  const tok = toyTokenizer(modelType);
  return { ...configFromArchitecture(architecture, tok.vocabSize, tok.special.pad), labels };
}

/** Writes a freshly initialised tiny HF checkpoint directory (or one of `architecture`) and returns its path. */
export async function writeTinyCheckpoint(dir: string, modelType: 'bert' | 'roberta' = 'bert', head: HeadKind = 'mlm', seed = 3, architecture = tinyArchitecture(modelType)): Promise<string> {
  await initBackend('wasm');
  const config = tinyConfig(modelType, head === 'classifier' ? ['neg', 'pos'] : null, architecture);
  const { model } = buildModel(config, head, null, seed);
  await saveHfCheckpoint(dir, model, toyTokenizer(modelType), 32);
  disposeModel(model);
  return dir;
}

export function writeCorpus(dir: string, name: string, docs: string[]): string[] {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.part-000.txt`);
  writeFileSync(file, docs.join('\n') + '\n');
  return [file];
}

export const toyMasking: MaskingSpec = {
  schedule: { kind: 'constant', p: 0.15 },
  replace: { mask: 0.8, random: 0.1, keep: 0.1 },
  wholeWord: false,
  remaskEachEpoch: true,
  maxSeqLength: 32,
  packing: 'packed',
};

export function toyOptim(overrides: Partial<OptimSpec> = {}): OptimSpec {
  return {
    lr: 3e-3,
    headLr: null,
    beta1: 0.9,
    beta2: 0.98,
    eps: 1e-6,
    weightDecay: 0.01,
    warmup: { steps: 5 },
    decay: 'linear',
    batchSize: 8,
    gradAccum: 1,
    budget: { maxSteps: 30 },
    clipNorm: 1,
    ...overrides,
  };
}

export const toyHeldOut: HeldOutSpec = { fraction: 0.1, maxDocs: 10, everySteps: 10 };

export interface RecordedReporter extends StageReporter {
  metricLog: Array<{ step: number; values: Record<string, number> }>;
  tagValues: Record<string, string>;
  lines: string[];
  progressLog: Array<[number, number]>;
}

export function recordingReporter(): RecordedReporter {
  const r: RecordedReporter = {
    metricLog: [],
    tagValues: {},
    lines: [],
    progressLog: [],
    metrics: (step, values) => r.metricLog.push({ step, values }),
    params: () => undefined,
    tags: (values) => Object.assign(r.tagValues, values),
    progress: (done, total) => r.progressLog.push([done, total]),
    log: (line) => r.lines.push(line),
  };
  return r;
}

export function stageContext(
  stageDir: string,
  kindParams: Pick<StageSpec, 'kind' | 'params'>,
  inputs: Record<string, InputLocation>,
  parents: StageSpec['parents'] = [],
  signal: AbortSignal = new AbortController().signal,
): StageContext & { reporter: RecordedReporter } {
  const workDir = join(stageDir, 'work');
  mkdirSync(workDir, { recursive: true });
  const spec = {
    ...kindParams,
    key: 'k'.repeat(24),
    title: 'test stage',
    labels: [],
    parents,
    inputs,
    dataRoot: stageDir,
    storeDir: join(stageDir, 'store'),
    stageDir,
    backend: 'wasm',
    checkpointEverySeconds: 3600,
    tracking: null,
    trainer: 'real',
  } as StageSpec;
  return { spec, workDir, parents: Object.fromEntries(parents.map((p) => [p.key, p])), reporter: recordingReporter(), signal };
}

/** A two-label task: `pos` when a document starts in the first half of the cycle. */
export function writeToyTask(dir: string, sizes = { train: 48, dev: 16, test: 16 }): string {
  mkdirSync(dir, { recursive: true });
  let d = 0;
  for (const [split, n] of Object.entries(sizes)) {
    const lines: string[] = [];
    for (let i = 0; i < n; i++, d++) {
      const start = (d * 7) % cycleWords.length;
      const text = Array.from({ length: 6 }, (_, j) => cycleWords[(start + j) % cycleWords.length]).join(' ');
      lines.push(JSON.stringify({ text, label: start < cycleWords.length / 2 ? 'pos' : 'neg' }));
    }
    writeFileSync(join(dir, `${split}.jsonl`), lines.join('\n') + '\n');
  }
  return dir;
}

export function toyFinetune(overrides: Partial<FinetuneHparams> = {}): FinetuneHparams {
  return {
    lr: 5e-3,
    headLr: null,
    weightDecay: 0.01,
    beta1: 0.9,
    beta2: 0.98,
    eps: 1e-6,
    warmupRatio: 0.1,
    decay: 'linear',
    epochs: 4,
    batchSize: 8,
    gradAccum: 1,
    patience: 3,
    dropout: 0.1,
    maxSeqLength: 16,
    clipNorm: 1,
    degenerate: { policy: 'keep' },
    ...overrides,
  };
}
