/**
 * Finding the stages a store already holds, and telling MLflow about them: the DAG engine's
 * cached detection (dag/engine.ts), the same for every driver.
 */
import type { Stage, StageKey } from '../plan/types.ts';
import { stagePaths } from '../store/layout.ts';
import { readManifest } from '../store/manifest.ts';
import { stageStates } from '../store/stage-state.ts';
import type { StudyTracker } from './tracking.ts';

/** Keys of the given stages whose manifests exist and verify (`full`: re-hash every file). */
export async function findDoneStages(storeDir: string, stages: readonly Stage[], opts: { full: boolean }): Promise<Set<StageKey>> {
  const states = await stageStates(storeDir, stages.map((s) => s.key), opts);
  return new Set([...states].filter(([, state]) => state === 'done').map(([key]) => key));
}

/** Logs a cached stage as an MLflow child run pointing at the run that produced it. */
export async function recordCachedStage(tracker: StudyTracker, storeDir: string, stage: Stage): Promise<void> {
  const paths = stagePaths(storeDir, stage.key);
  await tracker.recordCached(stage, await readManifest(paths).catch(() => null));
}
