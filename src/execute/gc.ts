/**
 * `dapt gc`: removes stage directories that no plan of the given experiment files refers to.
 * A stage whose lock is held by a live process is never removed.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { StageKey } from '../plan/types.ts';
import { stagePaths } from '../store/layout.ts';
import { lockStatus } from './lock.ts';
import { listStoredStages } from '../store/stage-state.ts';

export interface GcEntry {
  key: StageKey;
  dir: string;
  bytes: number;
}

export interface GcResult {
  removed: GcEntry[];
  /** Unreferenced but locked by a running process. */
  skipped: GcEntry[];
  bytes: number;
}

async function du(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await du(join(path, entry));
  return total;
}

export async function collectGarbage(storeDir: string, keep: ReadonlySet<StageKey>, opts: { dryRun: boolean }): Promise<GcResult> {
  const result: GcResult = { removed: [], skipped: [], bytes: 0 };
  for (const key of await listStoredStages(storeDir)) {
    if (keep.has(key)) continue;
    const paths = stagePaths(storeDir, key);
    const entry = { key, dir: paths.dir, bytes: await du(paths.dir).catch(() => 0) };
    if ((await lockStatus(paths.lock)).state === 'held') {
      result.skipped.push(entry);
      continue;
    }
    if (!opts.dryRun) await rm(paths.dir, { recursive: true, force: true });
    result.removed.push(entry);
    result.bytes += entry.bytes;
  }
  return result;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
