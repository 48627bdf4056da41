/** Reading a stage's metrics.json (written by `dapt stage`). */
import { readFile } from 'node:fs/promises';
import type { StageMetricsFile } from '../stages/types.ts';

export async function readMetricsFile(path: string): Promise<StageMetricsFile | null> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as StageMetricsFile;
    return typeof parsed === 'object' && parsed !== null && typeof parsed.metrics === 'object' ? parsed : null;
  } catch {
    return null;
  }
}
