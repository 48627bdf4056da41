/**
 * Finding the stages a store already holds, and telling MLflow about them. Shared by every
 * executor's scheduling loop: cached stages are skipped the same way locally and on Slurm.
 */
import type { Stage, StageKey } from '../plan/types.ts';
import { stagePaths } from '../store/layout.ts';
import { readManifest } from '../store/manifest.ts';
import { stageState } from '../store/stage-state.ts';
import type { StudyTracker } from './tracking.ts';

/** Manifests are verified a few at a time: enough to hide file-system latency, not a storm. */
const STATE_CHECK_PARALLELISM = 16;

/** Keys of the given stages whose manifests exist and verify (`full`: re-hash every file). */
export async function findDoneStages(storeDir: string, stages: readonly Stage[], opts: { full: boolean }): Promise<Set<StageKey>> {
  const done = new Set<StageKey>();
  for (let i = 0; i < stages.length; i += STATE_CHECK_PARALLELISM) {
    const batch = stages.slice(i, i + STATE_CHECK_PARALLELISM);
    const states = await Promise.all(batch.map((s) => stageState(storeDir, s.key, { full: opts.full })));
    batch.forEach((s, j) => {
      if (states[j] === 'done') done.add(s.key);
    });
  }
  return done;
}

/** Logs a cached stage as an MLflow child run pointing at the run that produced it. */
export async function recordCachedStage(tracker: StudyTracker, storeDir: string, stage: Stage): Promise<void> {
  const paths = stagePaths(storeDir, stage.key);
  await tracker.recordCached(stage, await readManifest(paths).catch(() => null));
}
