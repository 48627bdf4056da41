/**
 * The `reference` evaluation: the non-neural floor of a task. TF-IDF over word n-grams fitted on
 * the labelled train text (sublinear tf, smoothed idf, L2-normalised rows; stopwords kept, since
 * "we use" and "unlike" carry a citation's intent), then the dev-picked logistic regression.
 * No model and no TF.js: deterministic, seconds.
 */
import { TfidfEmbedder } from '../select/tfidf.ts';
import { loadTaskInput } from '../data/task-input.ts';
import { DaptError } from '../errors.ts';
import type { EvaluateParams } from '../plan/types.ts';
import { fitAndScore } from './linear-classifier.ts';
import type { StageContext, StageOutcome } from './types.ts';

export async function evaluateReference(ctx: StageContext, params: Extract<EvaluateParams, { target: 'reference' }>): Promise<StageOutcome> {
  const location = ctx.spec.inputs[params.task.content];
  if (location === undefined) throw new DaptError('DAPT_STAGE_SPEC_INVALID', `stage spec has no location for task ${params.task.content.slice(0, 12)}`);
  const task = await loadTaskInput(location, params.task);
  const { embedder, pool: train } = await TfidfEmbedder.fit(
    task.labelled.map((e) => e.text),
    { dims: params.features.maxFeatures, vocabulary: 'fitted', sublinearTf: true, ngramMax: params.features.ngramMax, keepStopwords: true },
  );
  const rows = { train, dev: embedder.embed(task.dev.map((e) => e.text)), test: embedder.embed(task.test.map((e) => e.text)) };
  ctx.reporter.log(`reference: ${train.dims} TF-IDF terms (word 1-${params.features.ngramMax}-grams) from ${train.rows} train texts`);
  const scored = fitAndScore(task, rows, params.metric, params.classifier);
  return { metrics: { ...scored.metrics, features: train.dims }, details: scored.details };
}
