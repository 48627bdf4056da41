/**
 * The one way from experiment files to a plan, for every command that needs one (plan, run,
 * report, gc, status): load and validate each file, settle the study's data root, hash the inputs
 * the files use (cached under `<store>/cache/` when there is a store), plan each experiment and
 * merge the plans, so stages shared between files run once.
 */
import { resolve } from 'node:path';
import type { Experiment, ExecutionSpec } from '../config/types.ts';
import { loadExperimentOrThrow, resolveDataRoot } from '../config/index.ts';
import { buildCatalog } from '../data/catalog.ts';
import { UsageError } from '../errors.ts';
import { mergePlans, planExperiment } from '../plan/index.ts';
import type { Plan } from '../plan/types.ts';
import { cacheDir } from '../store/layout.ts';

export interface LoadedStudy {
  experiments: Experiment[];
  plan: Plan;
  /** Absolute. */
  dataRoot: string;
  /** The first file's `execution:` section, if any file has one. */
  execution: ExecutionSpec | null;
}

export interface StudyFiles {
  files: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The run store whose input-hash cache to use; null: hash without one (`dapt plan` before any run). */
  storeDir: string | null;
  dataRootFlag: string | null;
  /** The command, for the example in "give at least one experiment file". */
  command?: string;
}

/** Commands that check more before loading ask this first. */
export function requireStudyFiles(files: readonly string[], command = 'run'): void {
  if (files.length === 0) throw new UsageError(`give at least one experiment file, e.g. \`dapt ${command} experiments/quickstart.yaml\``);
}

/**
 * A study reads all its files from one data root (each file's own by the usual precedence,
 * config/dataRoot.ts): the stages of different files must read the same data for the same
 * content, and a stage spec names one root. Files that disagree need `--data-root`.
 */
export function studyDataRoot(experiments: readonly Experiment[], opts: Pick<StudyFiles, 'cwd' | 'env' | 'dataRootFlag'>): string {
  const flag = opts.dataRootFlag ? { flag: opts.dataRootFlag } : {};
  const roots = new Set(experiments.map((experiment) => resolveDataRoot({ ...flag, env: opts.env, experiment, cwd: opts.cwd })));
  if (roots.size > 1) throw new UsageError(`the experiment files use different data roots (${[...roots].join(', ')}); give one with --data-root`);
  return [...roots][0]!;
}

export async function loadStudy(opts: StudyFiles): Promise<LoadedStudy> {
  requireStudyFiles(opts.files, opts.command);
  const experiments: Experiment[] = [];
  for (const file of opts.files) experiments.push(await loadExperimentOrThrow(resolve(opts.cwd, file), { cwd: opts.cwd }));
  const dataRoot = studyDataRoot(experiments, opts);
  const catalog = await buildCatalog(experiments, { dataRoot, ...(opts.storeDir ? { cacheDir: cacheDir(opts.storeDir) } : {}) });
  const plan = mergePlans(experiments.map((e) => planExperiment(e, catalog)));
  const execution = experiments.find((e) => e.execution !== null)?.execution ?? null;
  return { experiments, plan, dataRoot, execution };
}
