/**
 * Atomic writes for the MLflow file store. Written by hand rather than with write-file-atomic
 * because that puts its temp file next to the target, and MLflow reads every file under
 * `params/`, `tags/` and `metrics/` as a key: temp files must live in a folder MLflow never walks.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

function tempPath(tmpDir: string): string {
  return join(tmpDir, `.dapt-tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
}

/** Replaces `target` with `content` in one step; `tmpDir` must be on the same file system. */
export async function writeAtomic(target: string, content: string, tmpDir: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const tmp = tempPath(tmpDir);
  await writeFile(tmp, content, 'utf8');
  try {
    await rename(tmp, target);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/** Creates `target` with `content` unless it exists; returns whether this call created it. */
export async function createExclusive(target: string, content: string, tmpDir: string): Promise<boolean> {
  await mkdir(dirname(target), { recursive: true });
  const tmp = tempPath(tmpDir);
  await writeFile(tmp, content, 'utf8');
  try {
    await link(tmp, target); // link(2) fails with EEXIST instead of replacing: first writer wins
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}
