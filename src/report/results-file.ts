/** `work/results.json` of an aggregate stage: built from collected results, read back by the report. */
import { readFileSync } from 'node:fs';
import { DaptError } from '../errors.ts';
import type { AggregateParams } from '../plan/types.ts';
import { compare, summarise } from './summarise.ts';
import type { CollectedResults } from './cells.ts';
import type { ResultsFile } from './types.ts';

export const RESULTS_FILE = 'results.json';

export function buildResultsFile(params: AggregateParams, collected: CollectedResults): ResultsFile {
  const { cells, mlm, references, probes } = collected;
  return {
    formatVersion: 1,
    experiment: params.experiment,
    baselineArm: params.baselineArm,
    cells,
    mlm,
    targets: params.targets,
    summaries: summarise(cells),
    comparisons: compare(cells, params.baselineArm),
    ...(references.length > 0 ? { references } : {}),
    ...(probes.length > 0 ? { probes } : {}),
  };
}

/** Reads a results.json; a file that is not one is a corrupt store (the aggregate stage wrote it atomically). */
export function readResultsFile(path: string): ResultsFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new DaptError('DAPT_STORE_CORRUPT', `cannot read ${path} (${(e as Error).message}); delete the aggregate stage directory and run again`, { cause: e });
  }
  const file = parsed as Partial<ResultsFile> | null;
  if (file?.formatVersion !== 1 || !Array.isArray(file.cells) || !Array.isArray(file.mlm)) {
    throw new DaptError('DAPT_STORE_CORRUPT', `${path} is not a dapt results file (formatVersion 1); delete the aggregate stage directory and run again`);
  }
  return file as ResultsFile;
}
