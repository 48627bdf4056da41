/**
 * The manifest makes a stage "done": every output file with its size and sha256, written
 * atomically after everything else. Verification is cheap by default: a file whose size and
 * mtime still match what the manifest recorded is trusted without re-hashing (a re-run of a
 * finished study must take seconds); `full` re-hashes everything.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { StageKey, StageKind } from '../plan/types.ts';
import type { StagePaths } from './layout.ts';

export const MANIFEST_FORMAT = 1;

export interface ManifestEntry {
  /** Relative to the stage directory, `/`-separated. */
  path: string;
  size: number;
  mtimeMs: number;
  sha256: string;
}

/** The MLflow run that produced a stage (cached stages point at it). */
export interface ProducedBy {
  runId: string;
  experimentId: string;
  uri: string;
}

export interface Manifest {
  formatVersion: number;
  key: StageKey;
  kind: StageKind;
  createdAt: string;
  producedBy: ProducedBy | null;
  files: ManifestEntry[];
}

export type ManifestCheck =
  | { ok: true; manifest: Manifest }
  | { ok: false; reason: string };

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name));
}

/** The files a manifest covers: the spec, the final metrics and everything under work/. */
async function coveredFiles(paths: StagePaths): Promise<string[]> {
  const files = [paths.spec, paths.metrics, ...(await listFiles(paths.work))];
  return files.sort();
}

function relativePath(paths: StagePaths, file: string): string {
  return relative(paths.dir, file).split(sep).join('/');
}

async function entryOf(paths: StagePaths, file: string): Promise<ManifestEntry> {
  const [info, sha256] = await Promise.all([stat(file), sha256File(file)]);
  return { path: relativePath(paths, file), size: info.size, mtimeMs: info.mtimeMs, sha256 };
}

export async function writeManifest(
  paths: StagePaths,
  meta: { key: StageKey; kind: StageKind; producedBy: ProducedBy | null },
): Promise<Manifest> {
  const files: ManifestEntry[] = [];
  for (const file of await coveredFiles(paths)) files.push(await entryOf(paths, file));
  const manifest: Manifest = {
    formatVersion: MANIFEST_FORMAT,
    key: meta.key,
    kind: meta.kind,
    createdAt: new Date().toISOString(),
    producedBy: meta.producedBy,
    files,
  };
  await writeFileAtomic(paths.manifest, JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

export async function readManifest(paths: StagePaths): Promise<Manifest | null> {
  let text: string;
  try {
    text = await readFile(paths.manifest, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    const parsed = JSON.parse(text) as Manifest;
    return Array.isArray(parsed.files) ? parsed : null;
  } catch {
    return null;
  }
}

/** Checks a stage's manifest against its files. Never throws for a bad stage: it says why. */
export async function verifyManifest(paths: StagePaths, opts: { full?: boolean } = {}): Promise<ManifestCheck> {
  const manifest = await readManifest(paths);
  if (!manifest) return { ok: false, reason: 'no readable manifest.json' };
  if (manifest.formatVersion !== MANIFEST_FORMAT) {
    return { ok: false, reason: `manifest format ${manifest.formatVersion}, expected ${MANIFEST_FORMAT}` };
  }
  for (const entry of manifest.files) {
    const file = join(paths.dir, ...entry.path.split('/'));
    let info;
    try {
      info = await stat(file);
    } catch {
      return { ok: false, reason: `${entry.path} is missing` };
    }
    if (info.size !== entry.size) {
      return { ok: false, reason: `${entry.path} has ${info.size} bytes, the manifest recorded ${entry.size}` };
    }
    if (!opts.full && info.mtimeMs === entry.mtimeMs) continue;
    if ((await sha256File(file)) !== entry.sha256) {
      return { ok: false, reason: `${entry.path} does not match its sha256 in the manifest` };
    }
  }
  return { ok: true, manifest };
}
