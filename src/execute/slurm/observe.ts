/**
 * Looking at jobs: one `squeue` call for all of them, then, for each job that ended, what its
 * stage directory says (manifest, `exitcode`) and, if the stage wrote nothing, what
 * `scontrol show job` says. A job missing from squeue's answer has been purged by the controller
 * (MinJobAge); its stage directory is then all there is.
 */
import { readFile } from 'node:fs/promises';
import { stagePaths } from '../../store/layout.ts';
import { stageState } from '../../store/stage-state.ts';
import { classifyEnded, jobPhase, type EndedOutcome } from './states.ts';
import type { JobPhase, QueueRow, SlurmClient } from './types.ts';

export interface JobSighting {
  jobId: string;
  phase: JobPhase;
  /** Null when Slurm has purged the job. */
  row: QueueRow | null;
}

/** Throws when squeue fails (the caller decides whether to warn and retry). */
export async function observeJobs(client: SlurmClient, jobIds: readonly string[]): Promise<Map<string, JobSighting>> {
  const out = new Map<string, JobSighting>();
  if (jobIds.length === 0) return out;
  const rows = await client.queue(jobIds);
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const id of jobIds) {
    const row = byId.get(id) ?? null;
    out.set(id, { jobId: id, row, phase: row ? jobPhase(row.state) : 'ended' });
  }
  return out;
}

/** squeue through a controller that may not answer: a failure is warned about once until it answers again. */
export class QueueReader {
  private failing = false;

  constructor(
    private readonly client: SlurmClient,
    private readonly warn: (message: string) => void,
  ) {}

  /** Null when squeue failed (try again on the next poll). */
  async look(jobIds: readonly string[]): Promise<Map<string, JobSighting> | null> {
    try {
      const seen = await observeJobs(this.client, jobIds);
      this.failing = false;
      return seen;
    } catch (err) {
      if (!this.failing) this.warn(`cannot read the Slurm queue (${(err as Error).message}); trying again`);
      this.failing = true;
      return null;
    }
  }
}

export async function readExitCode(path: string): Promise<number | null> {
  try {
    const n = Number((await readFile(path, 'utf8')).trim());
    return Number.isInteger(n) ? n : null;
  } catch {
    return null;
  }
}

export interface EndedStage {
  outcome: EndedOutcome;
  /** The stage process wrote its exit code (so it also closed its MLflow run). */
  stageWroteExit: boolean;
}

/** How the stage of an ended job came out. */
export async function settleEndedJob(
  client: SlurmClient,
  storeDir: string,
  key: string,
  sighting: JobSighting,
  cancelledByUs: boolean,
): Promise<EndedStage> {
  const paths = stagePaths(storeDir, key);
  const [state, exitCode] = await Promise.all([stageState(storeDir, key), readExitCode(paths.exitcode)]);
  const row = sighting.row;
  let reason = row?.reason ?? null;
  let slurmExit: { code: number; signal: number } | null = null;
  let slurmState = row?.state ?? null;
  if (state !== 'done' && exitCode === null && row) {
    const detail = await client.show(sighting.jobId).catch(() => null);
    if (detail) {
      slurmState = detail.state;
      reason = detail.reason ?? reason;
      if (detail.exitCode !== null) slurmExit = { code: detail.exitCode, signal: detail.signal ?? 0 };
    }
  }
  const outcome = classifyEnded({ slurmState, reason, slurmExit, stageDone: state === 'done', exitCode, cancelledByUs }, sighting.jobId);
  return { outcome, stageWroteExit: exitCode !== null };
}
