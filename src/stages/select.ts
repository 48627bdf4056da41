/**
 * The select stage: kNN-TAPT or RAND-TAPT data selection (src/select/run-selection.ts) from a
 * pool corpus, with the task's labelled train text as queries. Outputs in work/:
 * selected.txt (pool order), provenance.jsonl, selection.json. The selected documents are then
 * checked against the task's dev/test text (src/data/leakage.ts), as the plan-level check only
 * sees whole corpora.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { InputLocation, ModelInit, SelectParams } from '../plan/types.ts';
import { DaptError, InternalError } from '../errors.ts';
import { corpusFilesOf, readDocuments } from '../data/corpus.ts';
import { assertSelectionClean } from '../data/leakage.ts';
import { loadTaskInput } from '../data/task-input.ts';
import { runSelection, type SelectionMethod } from '../select/run-selection.ts';
import type { StageContext, StageOutcome, StageRunner } from './types.ts';
import { workOutputs } from '../store/layout.ts';

function input(ctx: StageContext, content: string, what: string): InputLocation {
  const loc = ctx.spec.inputs[content];
  if (!loc) throw new DaptError('DAPT_STAGE_SPEC_INVALID', `select stage ${ctx.spec.key}: no location for its ${what} (content ${content})`);
  return loc;
}

function parentDir(ctx: StageContext, key: string, why: string): string {
  const parent = ctx.parents[key];
  if (!parent) throw new DaptError('DAPT_STAGE_SPEC_INVALID', `select stage ${ctx.spec.key}: parent stage ${key} (${why}) is missing from the spec`);
  return parent.dir;
}

function embedModelDir(ctx: StageContext, init: ModelInit | null): string {
  if (init === null) throw new DaptError('DAPT_STAGE_SPEC_INVALID', `select stage ${ctx.spec.key}: the model embedder needs an embedding model`);
  if (init.from === 'stage') return workOutputs(parentDir(ctx, init.stage, 'embedding model')).model;
  if (init.from === 'checkpoint') {
    const loc = input(ctx, init.content, 'embedding model');
    if (loc.kind !== 'checkpoint') throw new InternalError(`embedding model input ${init.content} is a ${loc.kind}`);
    return loc.dir;
  }
  throw new DaptError('DAPT_STAGE_SPEC_INVALID', `select stage ${ctx.spec.key}: the model embedder cannot embed with an untrained (scratch) model; pretrain it first`);
}

/** How many documents the size-matched kNN stage selected (its selection.json, else selected.txt). */
async function sizeMatchTarget(ctx: StageContext, key: string): Promise<number> {
  const dir = parentDir(ctx, key, 'size match');
  try {
    const summary = JSON.parse(await readFile(join(dir, 'selection.json'), 'utf8')) as { selectedDocs?: unknown };
    if (typeof summary.selectedDocs === 'number') return summary.selectedDocs;
  } catch {
    // Fall back to counting the selected documents themselves.
  }
  let count = 0;
  for await (const _ of readDocuments([workOutputs(dir).selected])) count++;
  return count;
}

async function methodOf(ctx: StageContext, params: SelectParams): Promise<SelectionMethod> {
  if (params.method === 'rand') {
    return { method: 'rand', k: params.k, seed: params.seed, target: params.sizeMatch ? await sizeMatchTarget(ctx, params.sizeMatch) : null };
  }
  const embedder = params.embedder;
  if (embedder === null) throw new DaptError('DAPT_STAGE_SPEC_INVALID', `select stage ${ctx.spec.key}: kNN selection needs an embedder`);
  if (embedder.kind === 'tfidf') return { method: 'knn', k: params.k, seed: params.seed, embedder };
  return { method: 'knn', k: params.k, seed: params.seed, embedder: { kind: 'model', maxSeqLength: embedder.maxSeqLength, modelDir: embedModelDir(ctx, params.embedModel) } };
}

async function run(ctx: StageContext): Promise<StageOutcome> {
  const started = performance.now();
  const spec = ctx.spec;
  if (spec.kind !== 'select') throw new InternalError(`select runner got a ${spec.kind} stage`);
  const params = spec.params;
  const taskLoc = input(ctx, params.task.content, 'task');
  const poolFiles = corpusFilesOf(input(ctx, params.pool, 'pool'));
  const task = await loadTaskInput(taskLoc, params.task);
  const method = await methodOf(ctx, params);
  const settings: Record<string, string | number | boolean> = { method: params.method, k: params.k, seed: params.seed };
  if (method.method === 'knn') for (const [key, value] of Object.entries(method.embedder)) settings[`embedder.${key}`] = value;
  if (method.method === 'rand' && method.target !== null) settings['size_match'] = method.target;
  ctx.reporter.params(settings);
  ctx.reporter.log(`select: ${params.method} with k=${params.k}, ${task.labelled.length} queries, pool ${poolFiles.length} file(s)`);

  const phases = ['read', 'embed', 'search', 'write'];
  const summary = await runSelection({
    poolFiles,
    queries: task.labelled.map((e) => ({ text: e.text, line: e.line })),
    spec: method,
    outDir: ctx.workDir,
    signal: ctx.signal,
    onProgress: (phase, done, total) => ctx.reporter.progress(phases.indexOf(phase), phases.length, { phase, done, total }),
  });
  ctx.reporter.progress(phases.length, phases.length, { phase: 'leakage check' });
  const allow = spec.allowLeakage === true;
  const leakage = await assertSelectionClean(readDocuments([workOutputs(ctx.workDir).selected]), [{ name: taskLoc.kind === 'task' ? basename(taskLoc.dir) : params.task.content, content: params.task.content, data: task }], { allow });
  ctx.reporter.log(`select: ${summary.selectedDocs} of ${summary.poolDocs} pool documents selected (${summary.distinctPoolDocs} distinct)`);
  return {
    metrics: {
      selected_docs: summary.selectedDocs,
      pool_docs: summary.poolDocs,
      queries: summary.queries,
      wall_seconds: (performance.now() - started) / 1000,
    },
    details: { selection: summary, leakage },
  };
}

export const runner: StageRunner = { kind: 'select', run };
