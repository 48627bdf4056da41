/**
 * Whole directories replaced atomically: fill a temp sibling, fsync it, swap it in with renames.
 * A crash at any point leaves either the old directory or the new one (recoverDir puts a
 * half-swapped state back), never a mixture.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Writes a file and fsyncs it (for files inside a directory that is about to be swapped in). */
export function writeFileSynced(file: string, data: string | Uint8Array): void {
  const fd = openSync(file, 'w');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let written = 0;
    while (written < bytes.byteLength) written += writeSync(fd, bytes, written, bytes.byteLength - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some filesystems refuse fsync on directories; the renames are still atomic there
  }
}

const oldSuffix = '.old';

/** Restores `dir` if a previous swap stopped between its two renames, and removes stale temps. */
export function recoverDir(dir: string): void {
  const parent = dirname(dir);
  if (!existsSync(parent)) return;
  if (!existsSync(dir) && existsSync(dir + oldSuffix)) renameSync(dir + oldSuffix, dir);
  const prefix = `${basename(dir)}.tmp-`;
  for (const name of readdirSync(parent)) {
    if (name.startsWith(prefix)) rmSync(join(parent, name), { recursive: true, force: true });
  }
  if (existsSync(dir) && existsSync(dir + oldSuffix)) rmSync(dir + oldSuffix, { recursive: true, force: true });
}

/** Builds a new version of `dir` with `fill(tmpDir)` and swaps it in atomically. */
export async function replaceDir(dir: string, fill: (tmpDir: string) => void | Promise<void>): Promise<void> {
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  recoverDir(dir);
  const tmp = `${dir}.tmp-${process.pid}-${Date.now().toString(36)}`;
  mkdirSync(tmp, { recursive: true });
  try {
    await fill(tmp);
    fsyncDir(tmp);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  if (existsSync(dir)) renameSync(dir, dir + oldSuffix);
  renameSync(tmp, dir);
  fsyncDir(parent);
  rmSync(dir + oldSuffix, { recursive: true, force: true });
}
