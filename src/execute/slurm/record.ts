/**
 * Submission records: `<store>/slurm/submissions/<id>.json`, written by a `dapt run` once it has
 * submitted jobs and removed when it has seen them all end. A record that outlives its `dapt run`
 * (detached, or the process died) tells `dapt status` which MLflow runs to close and that the
 * report is still to be written once the jobs have ended.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { StageKey } from '../../plan/types.ts';
import type { TrackingHandle } from '../../track/types.ts';
import { isProcessAlive } from '../lock.ts';

export interface SubmissionRecord {
  version: 1;
  id: string;
  createdAt: string;
  /** The `dapt run` that follows the jobs. */
  pid: number;
  hostname: string;
  /** It stopped following them on purpose (`--detach`, or "leave them running" at Ctrl-C). */
  detached: boolean;
  /** Each experiment's MLflow parent run. */
  parents: Record<string, TrackingHandle>;
  /** Every stage it submitted: the last job id and the MLflow run the job logs into. */
  stages: Record<StageKey, { jobId: string; tracking: TrackingHandle | null }>;
}

export function submissionsDir(storeDir: string): string {
  return join(storeDir, 'slurm', 'submissions');
}

export function newRecord(parents: Record<string, TrackingHandle>): SubmissionRecord {
  return { version: 1, id: randomUUID(), createdAt: new Date().toISOString(), pid: process.pid, hostname: hostname(), detached: false, parents, stages: {} };
}

export async function writeRecord(storeDir: string, record: SubmissionRecord): Promise<void> {
  await mkdir(submissionsDir(storeDir), { recursive: true });
  await writeFileAtomic(join(submissionsDir(storeDir), `${record.id}.json`), JSON.stringify(record, null, 2) + '\n');
}

export async function removeRecord(storeDir: string, id: string): Promise<void> {
  await rm(join(submissionsDir(storeDir), `${id}.json`), { force: true });
}

export async function readRecords(storeDir: string): Promise<SubmissionRecord[]> {
  let names: string[];
  try {
    names = await readdir(submissionsDir(storeDir));
  } catch {
    return [];
  }
  const out: SubmissionRecord[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    try {
      const r = JSON.parse(await readFile(join(submissionsDir(storeDir), name), 'utf8')) as SubmissionRecord;
      if (r.version === 1 && typeof r.id === 'string') out.push(r);
    } catch {
      // half-written by a crash: ignore
    }
  }
  return out;
}

/** Nobody follows its jobs any more: detached, or its `dapt run` is gone from this host. */
export function isOrphaned(record: SubmissionRecord): boolean {
  return record.detached || (record.hostname === hostname() && !isProcessAlive(record.pid));
}
