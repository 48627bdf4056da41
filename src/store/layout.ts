/**
 * Where things live in a run store (`runs/` by default): the one module that spells its paths.
 * One directory per stage key under `<store>/stages/`, shared caches under `<store>/cache/`.
 *
 * A stage directory (`<store>/stages/<key>/`):
 *   spec.json       the StageSpec (written by the executor before starting the process)
 *   log.txt         everything the stage process printed
 *   progress.json   where a running stage is (progress-file.ts), for the live view
 *   work/           the runner's outputs while it runs; checkpoints live in work/checkpoint/
 *   metrics.json    final metrics (metrics-file.ts)
 *   exitcode        the process's exit code, written last by `dapt stage` (Slurm reads it)
 *   manifest.json   written atomically after success: files with sizes and sha256. A stage is
 *                   done iff its manifest exists and verifies (manifest.ts).
 * Outputs by kind, inside work/ (WorkOutputs):
 *   pretrain  model/ (config.json, model.safetensors, tokenizer.json), curves.jsonl
 *   select    selected.txt (one document per line), provenance.jsonl
 *   finetune  model/ (best-on-dev weights + classifier head), labels.json, curves.jsonl
 *   evaluate  predictions.jsonl
 *   aggregate results.json
 */
import { dirname, join } from 'node:path';
import type { StageKey } from '../plan/types.ts';

export interface StagePaths {
  dir: string;
  spec: string;
  log: string;
  work: string;
  checkpoint: string;
  curves: string;
  metrics: string;
  manifest: string;
  exitcode: string;
  lock: string;
  progress: string;
}

/** What a stage leaves in its work/ directory, by what it is. */
export interface WorkOutputs {
  /** A Hugging Face model directory. */
  model: string;
  /** Selected documents, one per line. */
  selected: string;
  /** Step curves, one JSON object per line (curves.ts). */
  curves: string;
  checkpoint: string;
  /** The fine-tuned classifier's label names. */
  labels: string;
}

/** The run store when no `--store` is given, relative to the working directory. */
export const DEFAULT_STORE_DIR = 'runs';

export function stagesRoot(storeDir: string): string {
  return join(storeDir, 'stages');
}

/** Caches shared by stages (tokenised corpora, content hashes). */
export function cacheDir(storeDir: string): string {
  return join(storeDir, 'cache');
}

/** Tokenised texts, shared by every stage that trains or evaluates on them. */
export function tokenCacheDir(storeDir: string): string {
  return join(cacheDir(storeDir), 'tokens');
}

export function stagePaths(storeDir: string, key: StageKey): StagePaths {
  return pathsOfStageDir(join(stagesRoot(storeDir), key));
}

/** The same paths from a stage directory (what `dapt stage` knows from its spec). */
export function pathsOfStageDir(dir: string): StagePaths {
  const work = join(dir, 'work');
  return {
    dir,
    spec: join(dir, 'spec.json'),
    log: join(dir, 'log.txt'),
    work,
    checkpoint: workOutputs(work).checkpoint,
    curves: workOutputs(work).curves,
    metrics: join(dir, 'metrics.json'),
    manifest: join(dir, 'manifest.json'),
    exitcode: join(dir, 'exitcode'),
    lock: join(dir, 'lock'),
    progress: join(dir, 'progress.json'),
  };
}

/** The outputs in a stage's work/ directory (a runner knows its own and its parents' work/). */
export function workOutputs(workDir: string): WorkOutputs {
  return {
    model: join(workDir, 'model'),
    selected: join(workDir, 'selected.txt'),
    curves: join(workDir, 'curves.jsonl'),
    checkpoint: join(workDir, 'checkpoint'),
    labels: join(workDir, 'labels.json'),
  };
}

/** The store a stage directory belongs to. */
export function storeDirOfStageDir(dir: string): string {
  return dirname(dirname(dir));
}

/** The stage directory a work/ directory belongs to. */
export function stageDirOfWork(workDir: string): string {
  return dirname(workDir);
}
