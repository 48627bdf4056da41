/** A running stage's progress.json: written by its reporter, read by the live view. */
import { readFile } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';

export interface ProgressFile {
  done: number;
  total: number;
  /** Seconds to go at the rate seen since this process started; null until there is a rate. */
  etaSeconds: number | null;
  /** Units (steps) per second in this process. */
  rate: number | null;
  info: Record<string, number | string>;
  /** The latest step metrics (loss, lr, …). */
  metrics: Record<string, number>;
  updatedAt: string;
}

/** Atomic, so the view never reads half a file. */
export async function writeProgressFile(path: string, file: ProgressFile): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(file) + '\n');
}

/** Null when there is none yet (or it cannot be read). */
export async function readProgressFile(path: string): Promise<ProgressFile | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as ProgressFile;
  } catch {
    return null;
  }
}
