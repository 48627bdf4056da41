import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/** A temp directory removed when the test file finishes. */
export async function tempDir(prefix = 'dapt-track-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Fast retries so failure paths take milliseconds. */
export const FAST_RETRY = { retries: 3, baseDelayMs: 2, timeoutMs: 5_000 };

export function collectWarnings(): { warnings: string[]; onWarning: (m: string) => void } {
  const warnings: string[] = [];
  return { warnings, onWarning: (m) => warnings.push(m) };
}
