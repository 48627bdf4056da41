/** Reading experiment files from disk: the only part of the config layer that touches the file system. */
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ConfigError, DaptError } from '../errors.ts';
import type { RefResolver } from './baseRef.ts';
import { formatIssues } from './format.ts';
import { notTextIssue } from './parse.ts';
import { resolveCached, snapshotDir } from '../pull/hub/cache.ts';
import { hubSettings } from '../pull/hub/settings.ts';
import type { ConfigIssue, Experiment, HubResolver, ValidationResult } from './types.ts';
import { validateExperimentText } from './validate.ts';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Bytes to text, or why they are not an experiment's text (NUL bytes, invalid UTF-8). */
export function decodeExperimentBytes(bytes: Uint8Array): { text: string } | { notText: string } {
  if (bytes.includes(0)) return { notText: 'it contains NUL bytes' };
  try {
    return { text: decoder.decode(bytes) };
  } catch {
    return { notText: 'it is not valid UTF-8' };
  }
}

type Read = { bytes: Buffer } | { error: string; code: string };

function readBytes(file: string): Read {
  try {
    return { bytes: readFileSync(file) };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    switch (err.code) {
      case 'ENOENT':
        return { code: 'file-not-found', error: 'no such file' };
      case 'EISDIR':
        return { code: 'file-unreadable', error: 'it is a directory' };
      case 'EACCES':
      case 'EPERM':
        return { code: 'file-unreadable', error: 'permission denied' };
      case 'ENOTDIR':
        return { code: 'file-not-found', error: 'a parent of the path is not a directory' };
      default:
        throw new DaptError('DAPT_FILE_NOT_FOUND', `cannot read ${file}: ${err.message}`, { cause: e });
    }
  }
}

const resolveFromDisk: RefResolver = (relPath, fromFile) => {
  const file = isAbsolute(relPath) ? relPath : resolve(dirname(fromFile), relPath);
  const read = readBytes(file);
  if ('error' in read) return { error: read.error };
  const decoded = decodeExperimentBytes(read.bytes);
  return 'notText' in decoded ? { error: `not a text file (${decoded.notText})` } : { text: decoded.text, file };
};

function checkpointExists(dir: string): boolean {
  try {
    return statSync(join(dir, 'config.json')).isFile();
  } catch {
    return false;
  }
}

/** `base: {hub}` from the Hub cache of this process's environment (HF_HOME, HF_HUB_CACHE). */
const resolveHub: HubResolver = (id, revision) => {
  const { cacheDir } = hubSettings(process.env);
  const hit = resolveCached(cacheDir, id, revision);
  return hit ?? { dir: snapshotDir(cacheDir, id, revision), commit: null };
};

/**
 * Reads and validates an experiment file and every file it references. Bad input never throws: it
 * returns `{ok: false, issues}` (a missing file is an issue at 1:1). Throws DaptError only for
 * unexpected I/O failures.
 */
export async function loadExperiment(file: string, opts: { cwd?: string } = {}): Promise<ValidationResult> {
  const abs = resolve(opts.cwd ?? process.cwd(), file);
  const read = readBytes(abs);
  if ('error' in read) {
    const issue: ConfigIssue = { code: read.code, path: [], message: `cannot read the experiment file: ${read.error}`, file: abs, line: 1, col: 1 };
    return { ok: false, issues: [issue] };
  }
  const decoded = decodeExperimentBytes(read.bytes);
  if ('notText' in decoded) return { ok: false, issues: [notTextIssue(abs, decoded.notText)] };
  return validateExperimentText(decoded.text, abs, resolveFromDisk, { checkpointExists, resolveHub });
}

/** Like loadExperiment, but throws ConfigError (message: the formatted issues; detail: the issues). */
export async function loadExperimentOrThrow(file: string, opts: { cwd?: string } = {}): Promise<Experiment> {
  const result = await loadExperiment(file, opts);
  if (result.ok) return result.experiment;
  const n = result.issues.length;
  throw new ConfigError(`${n} problem${n === 1 ? '' : 's'} in ${file}:\n${formatIssues(result.issues, { cwd: opts.cwd })}`, result.issues);
}
