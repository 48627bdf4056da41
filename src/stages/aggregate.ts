/**
 * The aggregate stage: collects every evaluate stage of an experiment (its parents) into
 * `work/results.json` — seed-level scores with their stage keys and MLflow runs, the finetune
 * stages' degenerate-seed records, MLM losses, and the summaries and paired comparisons the
 * report shows. No training; it runs in milliseconds.
 */
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { DaptError, InternalError } from '../errors.ts';
import { collectResults } from '../report/cells.ts';
import { RESULTS_FILE, buildResultsFile } from '../report/results-file.ts';
import { readStage, readStageDir } from '../report/stage-store.ts';
import { stageDirOfWork } from '../store/layout.ts';
import type { StageRecord } from '../report/types.ts';
import type { StageKey } from '../plan/types.ts';
import type { StageContext, StageOutcome, StageRunner } from './types.ts';

async function run(ctx: StageContext): Promise<StageOutcome> {
  const { spec } = ctx;
  if (spec.kind !== 'aggregate') throw new InternalError(`aggregate runner got a ${spec.kind} stage (${spec.key})`);
  const params = spec.params;

  const evaluateKeys = new Set<StageKey>(
    [...params.cells, ...params.mlm, ...(params.references ?? []), ...(params.probes ?? [])].map((c) => c.evaluate),
  );
  const records = new Map<StageKey, StageRecord>();
  for (const key of evaluateKeys) {
    const parent = ctx.parents[key];
    if (!parent) throw new InternalError(`aggregate stage ${spec.key} lists evaluate stage ${key} but it is not one of its parents`);
    const record = readStageDir(stageDirOfWork(parent.dir), key, parent.kind, key);
    if (!record.done || record.problem) {
      throw new DaptError('DAPT_STORE_CORRUPT', `evaluate stage ${key} is not finished or unreadable (${record.problem ?? 'no manifest'}); run \`dapt run\` again to redo it`);
    }
    records.set(key, record);
  }
  // Finetune stages are grandparents; their metrics carry the degenerate-seed record.
  for (const c of params.cells) {
    if (!records.has(c.finetune)) records.set(c.finetune, readStage(spec.storeDir, c.finetune, 'finetune', c.finetune));
  }

  const collected = collectResults(params, (key) => records.get(key));
  const { cells, mlm } = collected;
  const results = buildResultsFile(params, collected);
  await writeFileAtomic(join(ctx.workDir, RESULTS_FILE), JSON.stringify(results, null, 2) + '\n');

  const count = (status: string) => cells.filter((c) => c.status === status).length;
  ctx.reporter.log(`aggregated ${cells.length} result cells (${count('dropped')} dropped) and ${mlm.length} MLM evaluations`);
  return {
    metrics: {
      cells: cells.length,
      cells_done: count('done'),
      cells_dropped: count('dropped'),
      resamples: cells.reduce((s, c) => s + c.resamples, 0),
      mlm_cells: mlm.length,
      ...(collected.references.length > 0 ? { reference_cells: collected.references.length } : {}),
      ...(collected.probes.length > 0 ? { probe_cells: collected.probes.length } : {}),
    },
    details: { results: RESULTS_FILE },
  };
}

export const runner: StageRunner = { kind: 'aggregate', run };
