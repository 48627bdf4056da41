/**
 * Where things live in a run store (`runs/` by default). The stage directory layout itself is
 * documented in src/stages/types.ts; this module is the one place that spells the paths.
 */
import { join } from 'node:path';
import type { StageKey } from '../plan/types.ts';

export interface StagePaths {
  dir: string;
  spec: string;
  log: string;
  work: string;
  checkpoint: string;
  metrics: string;
  manifest: string;
  exitcode: string;
  lock: string;
  progress: string;
}

export function stagesRoot(storeDir: string): string {
  return join(storeDir, 'stages');
}

/** Caches shared by stages (tokenised corpora, content hashes). */
export function cacheDir(storeDir: string): string {
  return join(storeDir, 'cache');
}

export function stagePaths(storeDir: string, key: StageKey): StagePaths {
  return pathsOfStageDir(join(stagesRoot(storeDir), key));
}

/** The same paths from a stage directory (what `dapt stage` knows from its spec). */
export function pathsOfStageDir(dir: string): StagePaths {
  return {
    dir,
    spec: join(dir, 'spec.json'),
    log: join(dir, 'log.txt'),
    work: join(dir, 'work'),
    checkpoint: join(dir, 'work', 'checkpoint'),
    metrics: join(dir, 'metrics.json'),
    manifest: join(dir, 'manifest.json'),
    exitcode: join(dir, 'exitcode'),
    lock: join(dir, 'lock'),
    progress: join(dir, 'progress.json'),
  };
}
