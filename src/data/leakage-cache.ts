/** On-disk cache of leakage results, keyed by (corpus content, task content, n, scan version). */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { digestString } from './content-digest.ts';
import type { LeakCounts } from './leakage-scan.ts';

/** Bump when tokenisation or matching changes, so old results are not reused. */
const SCAN_VERSION = 1;

export interface CachedLeakage extends LeakCounts {
  corpusContent: string;
  taskContent: string;
  n: number;
  corpusDocs: number;
}

/** Entries live in `<cacheDir>/leakage/`, apart from other caches sharing the directory. */
function fileFor(cacheDir: string, corpusContent: string, taskContent: string, n: number): string {
  return join(cacheDir, 'leakage', `${digestString(JSON.stringify([SCAN_VERSION, corpusContent, taskContent, n]))}.json`);
}

export async function readCachedLeakage(cacheDir: string, corpusContent: string, taskContent: string, n: number): Promise<CachedLeakage | null> {
  try {
    const value = JSON.parse(await readFile(fileFor(cacheDir, corpusContent, taskContent, n), 'utf8')) as CachedLeakage;
    return value.corpusContent === corpusContent && value.taskContent === taskContent && value.n === n ? value : null;
  } catch {
    // A missing or unreadable entry is recomputed.
    return null;
  }
}

export async function writeCachedLeakage(cacheDir: string, entry: CachedLeakage): Promise<void> {
  await mkdir(join(cacheDir, 'leakage'), { recursive: true });
  await writeFileAtomic(fileFor(cacheDir, entry.corpusContent, entry.taskContent, entry.n), JSON.stringify(entry));
}
