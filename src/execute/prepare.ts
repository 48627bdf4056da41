/**
 * From experiment files to one plan: load and validate each file, hash the inputs they use
 * (cached under `<store>/cache/`), plan each experiment and merge the plans, so stages shared
 * between files run once. Used by `dapt run` and `dapt gc`.
 */
import { resolve } from 'node:path';
import type { Experiment, ExecutionSpec } from '../config/types.ts';
import { loadExperimentOrThrow, resolveDataRoot } from '../config/index.ts';
import { buildCatalog } from '../data/catalog.ts';
import { UsageError } from '../errors.ts';
import { mergePlans, planExperiment } from '../plan/index.ts';
import type { Plan } from '../plan/types.ts';
import { cacheDir } from '../store/layout.ts';

export interface PreparedStudy {
  experiments: Experiment[];
  plan: Plan;
  /** Absolute. */
  dataRoot: string;
  /** The first file's `execution:` section, if any file has one. */
  execution: ExecutionSpec | null;
}

export async function prepareStudy(opts: {
  files: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  storeDir: string;
  dataRootFlag: string | null;
}): Promise<PreparedStudy> {
  if (opts.files.length === 0) throw new UsageError('give at least one experiment file, e.g. `dapt run experiments/quickstart.yaml`');
  const experiments: Experiment[] = [];
  for (const file of opts.files) experiments.push(await loadExperimentOrThrow(resolve(opts.cwd, file), { cwd: opts.cwd }));
  const roots = new Set(
    experiments.map((experiment) => resolveDataRoot({ ...(opts.dataRootFlag ? { flag: opts.dataRootFlag } : {}), env: opts.env, experiment, cwd: opts.cwd })),
  );
  if (roots.size > 1) {
    throw new UsageError(`the experiment files use different data roots (${[...roots].join(', ')}); give one with --data-root`);
  }
  const dataRoot = [...roots][0]!;
  const catalog = await buildCatalog(experiments, { dataRoot, cacheDir: cacheDir(opts.storeDir) });
  const plan = mergePlans(experiments.map((e) => planExperiment(e, catalog)));
  const execution = experiments.find((e) => e.execution !== null)?.execution ?? null;
  return { experiments, plan, dataRoot, execution };
}
