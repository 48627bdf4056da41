/**
 * After `dapt sync`, manifests that recorded a placeholder run id (the stage finished while MLflow
 * was unreachable) get the real run and experiment ids, so that cache hits and reports link to
 * runs that exist. The manifest is not among the files it covers, so rewriting it keeps the stage
 * done. A stage whose lock is held (being forced and redone right now) is left alone.
 */
import writeFileAtomic from 'write-file-atomic';
import { readdir } from 'node:fs/promises';
import { isPlaceholderRunId, recordedRun } from '../track/index.ts';
import { stagePaths, stagesRoot } from '../store/layout.ts';
import { tryAcquireLock } from './lock.ts';
import { readManifest } from '../store/manifest.ts';

/** Rewrites every settled placeholder; returns how many manifests changed. */
export async function settleProducedBy(storeDir: string): Promise<number> {
  const keys = await readdir(stagesRoot(storeDir)).catch(() => [] as string[]);
  let changed = 0;
  for (const key of keys) {
    const paths = stagePaths(storeDir, key);
    const manifest = await readManifest(paths).catch(() => null);
    const producedBy = manifest?.producedBy;
    if (!manifest || !producedBy || !isPlaceholderRunId(producedBy.runId)) continue;
    const run = await recordedRun(storeDir, producedBy);
    if (run.state !== 'logged') continue;
    const got = await tryAcquireLock(paths.lock).catch(() => null);
    if (!got?.acquired) continue;
    try {
      const current = await readManifest(paths);
      if (current?.producedBy?.runId !== producedBy.runId) continue;
      current.producedBy = { ...producedBy, runId: run.runId, experimentId: run.experimentId };
      await writeFileAtomic(paths.manifest, JSON.stringify(current, null, 2) + '\n');
      changed += 1;
    } finally {
      await got.lock.release().catch(() => undefined);
    }
  }
  return changed;
}
