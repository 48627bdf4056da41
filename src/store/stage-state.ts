/**
 * The run store: one directory per stage key under `<store>/stages/`, plus shared caches under
 * `<store>/cache/`. A stage is done iff its manifest exists and verifies (see manifest.ts).
 */
import { readdir, rm, stat } from 'node:fs/promises';
import type { StageKey } from '../plan/types.ts';
import { stagePaths, stagesRoot } from './layout.ts';
import { verifyManifest } from './manifest.ts';

export type StageState = 'done' | 'partial' | 'absent';

/**
 * Whether the stage with this key is finished in the store. `partial` means its directory exists
 * but it is not done (running, interrupted, failed, or its files no longer match the manifest).
 * Cheap unless `full` (re-hash every file) is set.
 */
export async function stageState(storeDir: string, key: StageKey, opts: { full?: boolean } = {}): Promise<StageState> {
  const paths = stagePaths(storeDir, key);
  try {
    await stat(paths.dir);
  } catch {
    return 'absent';
  }
  const check = await verifyManifest(paths, opts);
  return check.ok ? 'done' : 'partial';
}

/** Manifests are verified a few at a time: enough to hide file-system latency, not a storm. */
const STATE_CHECK_PARALLELISM = 16;

/** The states of many stages (`full`: re-hash every file). */
export async function stageStates(storeDir: string, keys: readonly StageKey[], opts: { full?: boolean } = {}): Promise<Map<StageKey, StageState>> {
  const states = new Map<StageKey, StageState>();
  for (let i = 0; i < keys.length; i += STATE_CHECK_PARALLELISM) {
    const batch = keys.slice(i, i + STATE_CHECK_PARALLELISM);
    const got = await Promise.all(batch.map((k) => stageState(storeDir, k, opts)));
    batch.forEach((k, j) => states.set(k, got[j]!));
  }
  return states;
}

/**
 * Makes a stage not done and drops its outputs and checkpoint, so it trains from scratch
 * (`--force`). The manifest goes first: an interruption half-way leaves a partial stage, never
 * a done one with missing files. The log is kept (appended to by the next attempt).
 */
export async function invalidateStage(storeDir: string, key: StageKey): Promise<void> {
  const paths = stagePaths(storeDir, key);
  await rm(paths.manifest, { force: true });
  await rm(paths.exitcode, { force: true });
  await rm(paths.metrics, { force: true });
  await rm(paths.progress, { force: true });
  await rm(paths.work, { recursive: true, force: true });
}

/** Whether a run store exists at `storeDir` (commands that only read one refuse a missing one). */
export async function storeExists(storeDir: string): Promise<boolean> {
  return stat(storeDir).then((s) => s.isDirectory(), () => false);
}

/** Keys of every stage directory in the store. */
export async function listStoredStages(storeDir: string): Promise<StageKey[]> {
  try {
    const entries = await readdir(stagesRoot(storeDir), { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}
