/** Pulls a dataset's files into the data root, or confirms they are already there. */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DaptError, DataError } from '../errors.ts';
import { SOURCES } from './catalog.ts';
import { digestFile } from './digest.ts';
import { fetchFile, type FetchFileOptions } from './fetch-file.ts';
import type { DatasetEntry, DatasetFile, UnavailableEntry } from './types.ts';

export interface DatasetPullOptions {
  dataRoot: string;
  /** Replaces the source's base URL; the mirror has the source's layout. */
  mirror: string | null;
  /** Refuse files without a pinned sha256. */
  requirePins: boolean;
  /** Fetch settings passed through (retries, timeouts, fetch); tests shorten them. */
  fetch?: Pick<FetchFileOptions, 'retries' | 'backoffMs' | 'idleTimeoutMs' | 'fetch'>;
  onFile?: (e: FileEvent) => void;
  onProgress?: (file: DatasetFile, received: number, total: number | null) => void;
}

export type FileState = 'present' | 'downloaded';

export interface FileEvent {
  file: DatasetFile;
  dest: string;
  state: FileState;
  sha256: string;
  bytes: number;
  /** True when the file has no pin, so `sha256` is what it had, not what it should have. */
  unpinned: boolean;
  resumedFrom: number;
}

export async function pullDataset(entry: DatasetEntry, opts: DatasetPullOptions): Promise<FileEvent[]> {
  const base = opts.mirror ?? SOURCES[entry.source].base;
  if (base === null) {
    throw new DaptError('DAPT_NOT_DOWNLOADABLE', `${entry.name} is part of ${SOURCES[entry.source].describe}; give --mirror URL (or DAPT_MIRROR) of a server with a data root's layout (e.g. one serving the shared data directory)`);
  }
  if (opts.requirePins && entry.files.some((f) => f.sha256 === null)) {
    throw new DaptError('DAPT_NOT_DOWNLOADABLE', `${entry.name} has files without a pinned sha256 and --require-pins is set; see src/pull/paper.ts for why they are unpinned`);
  }
  const events: FileEvent[] = [];
  for (const file of entry.files) {
    const dest = join(opts.dataRoot, file.path);
    const event = (await existing(file, dest)) ?? (await download(file, dest, `${base.replace(/\/+$/, '')}/${file.url}`, opts));
    opts.onFile?.(event);
    events.push(event);
  }
  return events;
}

/** A file already in place: accepted when it matches its pin (or has none); never overwritten. */
async function existing(file: DatasetFile, dest: string): Promise<FileEvent | null> {
  let bytes: number;
  try {
    bytes = (await stat(dest)).size;
  } catch {
    return null;
  }
  const sha256 = await digestFile(dest, 'sha256');
  if (file.sha256 !== null && sha256 !== file.sha256) {
    throw new DataError(`${dest} exists but is not the pinned file (sha256 ${sha256}, expected ${file.sha256}); move it away (it may be another version of the data) and pull again`);
  }
  return { file, dest, state: 'present', sha256, bytes, unpinned: file.sha256 === null, resumedFrom: 0 };
}

async function download(file: DatasetFile, dest: string, url: string, opts: DatasetPullOptions): Promise<FileEvent> {
  const got = await fetchFile({
    ...opts.fetch,
    url,
    dest,
    pin: file.sha256 === null ? null : { algorithm: 'sha256', digest: file.sha256 },
    onProgress: (received, total) => opts.onProgress?.(file, received, total ?? file.bytes),
  });
  return { file, dest, state: 'downloaded', sha256: got.digest, bytes: got.bytes, unpinned: file.sha256 === null, resumedFrom: got.resumedFrom };
}

export function unavailable(entry: UnavailableEntry): DaptError {
  return new DaptError('DAPT_NOT_DOWNLOADABLE', `${entry.name} (${entry.kind}) cannot be pulled: ${entry.why}. Licence: ${entry.licence}.`);
}

/** For `--list`: how many of the entry's files are in the data root (by name; not re-hashed). */
export async function presence(entry: DatasetEntry, dataRoot: string): Promise<{ present: number; total: number }> {
  let present = 0;
  for (const f of entry.files) {
    try {
      if ((await stat(join(dataRoot, f.path))).isFile()) present++;
    } catch {
      // absent
    }
  }
  return { present, total: entry.files.length };
}
