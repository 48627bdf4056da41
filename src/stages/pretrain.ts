/**
 * The pretrain stage: masked-LM training of a model (from a checkpoint, a parent stage or
 * scratch) on its text sources. Outputs work/model/ (HF directory) and work/curves.jsonl;
 * resumes from work/checkpoint/ when present.
 */
import type { PretrainParams } from '../plan/types.ts';
import { saveHfCheckpoint } from '../train/checkpoint/hf-dir.ts';
import { heldOutCount } from '../train/data/held-out.ts';
import { maskVocabulary } from '../train/data/masking.ts';
import { corpusSource, resolveTextSource, type SourceText } from '../train/data/sources.ts';
import { resolveInitialModel } from '../train/init-model.ts';
import { prepareMlmData } from '../train/mlm/data.ts';
import { runPretraining } from '../train/mlm/loop.ts';
import { maxSequenceLength } from '../train/model/config.ts';
import { buildModel, disposeModel } from '../train/model/model.ts';
import { createProgressView, type ProgressView } from '../train/progress.ts';
import { backendDetails, loopPlumbing, savedOutcome, saveOutcome, startRuntime } from '../train/stage-support.ts';
import { DataError } from '../errors.ts';
import type { StageContext, StageOutcome, StageRunner } from './types.ts';
import { tokenCacheDir, workOutputs } from '../store/layout.ts';

/** Tokenizer training text for a scratch model: its corpus without this stage's held-out tail. */
async function tokenizerDocs(params: PretrainParams, ctx: StageContext, sources: SourceText[]): Promise<string[]> {
  if (params.init.from !== 'scratch') return [];
  const corpus = params.init.tokenizer.corpus;
  const docs = await corpusSource({ inputs: ctx.spec.inputs, parents: ctx.parents }, corpus).load();
  const last = sources[sources.length - 1];
  if (last === undefined || last.contentId !== corpus) return docs;
  let total = 0;
  for (const s of sources) total += s === last ? docs.length : (await s.load()).length;
  const held = heldOutCount(total, params.heldOut);
  return docs.slice(0, docs.length - Math.min(held, docs.length));
}

async function run(ctx: StageContext): Promise<StageOutcome> {
  const done = savedOutcome(ctx.workDir);
  if (done !== null) return done;
  const params = ctx.spec.params as PretrainParams;
  const { backend, ops } = await startRuntime(ctx);
  const sourceCtx = { inputs: ctx.spec.inputs, parents: ctx.parents };
  const sources = params.data.map((s) => resolveTextSource(s, sourceCtx));
  const initial = await resolveInitialModel(params.init, { ...sourceCtx, workDir: ctx.workDir }, () => tokenizerDocs(params, ctx, sources));
  for (const note of initial.notes) ctx.reporter.log(note);
  const limit = maxSequenceLength(initial.config);
  if (params.masking.maxSeqLength > limit) {
    throw new DataError(`maxSeqLength ${params.masking.maxSeqLength} exceeds what the model's position embeddings allow (${limit})`);
  }
  const data = await prepareMlmData(sources, initial.tokenizer, {
    masking: params.masking,
    heldOut: params.heldOut,
    cacheDir: tokenCacheDir(ctx.spec.storeDir),
    signal: ctx.signal,
  });
  ctx.reporter.log(`pretrain: ${data.train.count} examples from ${data.trainDocs} documents; ${data.heldOutDocs} documents held out`);
  const { model, report } = buildModel(initial.config, 'mlm', initial.weights, params.seed, initial.source);
  const tok = initial.tokenizer;
  const live: { view: ProgressView | null } = { view: null };
  try {
    const result = await runPretraining({
      model,
      ops,
      train: data.train,
      heldOut: data.heldOut,
      vocab: maskVocabulary(tok.special.mask, tok.specialMask, tok.wordStart),
      layout: { padId: tok.special.pad, robertaPaddingIdx: initial.config.modelType === 'roberta' ? initial.config.padTokenId : null },
      masking: params.masking,
      optim: params.optim,
      heldOutEverySteps: params.heldOut.everySteps,
      seed: params.seed,
      ...loopPlumbing(ctx),
      onProgress: (doneSteps, total, info) => {
        live.view ??= createProgressView({ stream: process.stderr, label: 'pretrain', total, start: doneSteps - 1 });
        live.view.update(doneSteps, { loss: info.loss, tokensPerSecond: info.tokensPerSecond, extra: { mask_prob: info.maskProb } });
        ctx.reporter.progress(doneSteps, total, { loss: info.loss, tokens_per_s: Math.round(info.tokensPerSecond), mask_prob: info.maskProb });
      },
    });
    live.view?.stop();
    live.view = null;
    await saveHfCheckpoint(workOutputs(ctx.workDir).model, model, tok, params.masking.maxSeqLength);
    const metrics: Record<string, number> = { steps: result.steps, tokens: result.tokens, final_loss: result.finalLoss };
    if (result.heldOut !== null) Object.assign(metrics, { heldout_loss: result.heldOut.loss, heldout_perplexity: result.heldOut.perplexity });
    return await saveOutcome(ctx.workDir, {
      metrics,
      details: {
        ...backendDetails(backend),
        init: initial.source,
        initialisedTensors: report.initialised,
        unusedTensors: report.unused,
        trainExamples: data.train.count,
        trainDocs: data.trainDocs,
        heldOutDocs: data.heldOutDocs,
        heldOutMaskedTokens: result.heldOut?.maskedTokens ?? 0,
        resumedFromStep: result.resumedFromStep,
        notes: initial.notes,
      },
    });
  } finally {
    live.view?.stop();
    disposeModel(model);
  }
}

export const runner: StageRunner = { kind: 'pretrain', run };
