/**
 * Where a stage's starting model comes from (ModelInit): a HF checkpoint input, a parent
 * stage's `model/`, or from scratch (a configuration from the architecture and a tokenizer
 * trained on a corpus; the trained tokenizer is kept in work/ so a resumed stage reuses it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { DaptError } from '../errors.ts';
import type { ContentId, InputLocation, ModelInit } from '../plan/types.ts';
import type { ParentOutput } from '../stages/types.ts';
import { workOutputs } from '../store/layout.ts';
import { loadHfCheckpoint } from './checkpoint/hf-dir.ts';
import type { TensorMap } from './checkpoint/safetensors.ts';
import { configFromArchitecture, type ModelConfig } from './model/config.ts';
import { TextTokenizer } from './tokenize/tokenizer.ts';
import { trainTokenizer } from './tokenize/train-tokenizer.ts';

export interface InitialModel {
  config: ModelConfig;
  /** HF-named tensors; null for a from-scratch model. */
  weights: TensorMap | null;
  tokenizer: TextTokenizer;
  /** For messages and details: the directory or `scratch`. */
  source: string;
  /** Notes for the user (e.g. a smaller vocabulary than asked for). */
  notes: string[];
}

export interface InitContext {
  inputs: Record<ContentId, InputLocation>;
  parents: Record<string, ParentOutput>;
  workDir: string;
}

/** The directory holding the model a non-scratch ModelInit points at. */
export function modelDirOf(init: Exclude<ModelInit, { from: 'scratch' }>, ctx: Omit<InitContext, 'workDir'>): string {
  if (init.from === 'checkpoint') {
    const loc = ctx.inputs[init.content];
    if (loc === undefined || loc.kind !== 'checkpoint') {
      throw new DaptError('DAPT_STAGE_SPEC_INVALID', `stage spec has no checkpoint location for ${init.content.slice(0, 12)}`);
    }
    return loc.dir;
  }
  const parent = ctx.parents[init.stage];
  if (parent === undefined) throw new DaptError('DAPT_STAGE_SPEC_INVALID', `stage spec lacks parent stage ${init.stage}`);
  return workOutputs(parent.dir).model;
}

/**
 * Resolves `init`. For scratch, `tokenizerDocs` supplies the text to train the vocabulary on
 * (the runner excludes its held-out documents from it).
 */
export async function resolveInitialModel(init: ModelInit, ctx: InitContext, tokenizerDocs?: () => Promise<string[]>): Promise<InitialModel> {
  if (init.from !== 'scratch') {
    const dir = modelDirOf(init, ctx);
    const ckpt = loadHfCheckpoint(dir);
    return { config: ckpt.config, weights: ckpt.weights, tokenizer: ckpt.tokenizer, source: dir, notes: [] };
  }
  const file = join(ctx.workDir, 'tokenizer.json');
  const notes: string[] = [];
  if (!existsSync(file)) {
    if (tokenizerDocs === undefined) throw new DaptError('DAPT_INTERNAL', 'a from-scratch model needs documents to train its tokenizer on');
    const trained = trainTokenizer(await tokenizerDocs(), init.tokenizer);
    notes.push(...trained.notes);
    await writeFileAtomic(file, trained.json);
  }
  const tokenizer = new TextTokenizer(readFileSync(file, 'utf8'), {}, file);
  const config = configFromArchitecture(init.architecture, tokenizer.vocabSize, tokenizer.special.pad);
  return { config, weights: null, tokenizer, source: 'scratch', notes };
}
