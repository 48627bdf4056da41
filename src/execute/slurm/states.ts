/**
 * Slurm job states to dapt's stage states (pure). The stage directory has the last word: a stage
 * is done iff its manifest verifies, and `exitcode` (written by `dapt stage`) says how the
 * process ended even after Slurm has purged the job (there is no accounting database to ask).
 */
import type { JobPhase } from './types.ts';

const QUEUED = new Set(['PENDING', 'CONFIGURING', 'REQUEUED', 'REQUEUE_FED', 'REQUEUE_HOLD', 'RESV_DEL_HOLD', 'RESIZING']);
const RUNNING = new Set(['RUNNING', 'COMPLETING', 'SIGNALING', 'STAGE_OUT', 'SUSPENDED', 'STOPPED']);

/** Unknown states count as running: never judge a job ended on a state we do not know. */
export function jobPhase(state: string): JobPhase {
  const s = state.toUpperCase().replace(/\+$/, '');
  if (QUEUED.has(s)) return 'queued';
  if (RUNNING.has(s)) return 'running';
  if (['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'OUT_OF_MEMORY', 'REVOKED', 'SPECIAL_EXIT'].includes(s)) {
    return 'ended';
  }
  return 'running';
}

/** Pending reasons after which the job will not start without someone changing something. */
const STUCK_REASONS = new Set([
  'DependencyNeverSatisfied',
  'BadConstraints',
  'PartitionTimeLimit',
  'PartitionNodeLimit',
  'PartitionDown',
  'PartitionInactive',
  'InvalidAccount',
  'InvalidQOS',
  'AccountNotAllowed',
  'QOSMaxWallDurationPerJobLimit',
  'ReqNodeNotAvail',
  'JobHeldAdmin',
  'JobHeldUser',
]);

export function isStuckReason(reason: string | null): boolean {
  return reason !== null && STUCK_REASONS.has(reason.replace(/,.*$/, ''));
}

/** What was seen of a job that has left the queue or reached a final state. */
export interface EndedJob {
  /** Final Slurm state, or null when Slurm has purged the job. */
  slurmState: string | null;
  reason: string | null;
  /** From `scontrol show job` (null if unknown). */
  slurmExit: { code: number; signal: number } | null;
  /** The stage's manifest verifies. */
  stageDone: boolean;
  /** Content of the stage's `exitcode` file, null when it has none. */
  exitCode: number | null;
  /** dapt itself cancelled the job (Ctrl-C). */
  cancelledByUs: boolean;
}

export type EndedOutcome =
  | { state: 'done' }
  | { state: 'blocked'; detail: string }
  | { state: 'interrupted'; detail: string }
  | { state: 'failed'; reason: string };

const EXIT_INTERRUPTED = 130;

export function classifyEnded(job: EndedJob, jobId: string): EndedOutcome {
  if (job.stageDone) return { state: 'done' };
  const slurm = job.slurmState ? `Slurm job ${jobId} ended ${job.slurmState}` : `Slurm job ${jobId}`;
  if (job.reason === 'DependencyNeverSatisfied' && job.exitCode === null) {
    return { state: 'blocked', detail: `${slurm}: a stage it depends on failed` };
  }
  if (job.cancelledByUs && (job.exitCode === null || job.exitCode === EXIT_INTERRUPTED)) {
    return { state: 'interrupted', detail: `Slurm job ${jobId} cancelled${job.exitCode === EXIT_INTERRUPTED ? ' after the stage saved a checkpoint' : ''}` };
  }
  if (job.exitCode === 0) return { state: 'failed', reason: `${slurm}: exited 0 but its manifest does not verify` };
  if (job.exitCode === EXIT_INTERRUPTED) {
    const why = job.slurmState === 'TIMEOUT' ? 'it reached its time limit' : 'it was stopped by a signal (the warning before its time limit, or scancel)';
    return { state: 'failed', reason: `${slurm}: ${why} and saved a checkpoint (exit 130); a re-run resumes it` };
  }
  if (job.exitCode !== null) return { state: 'failed', reason: `${slurm}: exited with code ${job.exitCode}` };
  if (job.slurmState === null) {
    return { state: 'failed', reason: `${slurm} left the queue without the stage writing an exit code (cancelled or killed before it could)` };
  }
  const signal = job.slurmExit && job.slurmExit.signal > 0 ? `, signal ${job.slurmExit.signal}` : '';
  const code = job.slurmExit && job.slurmExit.code > 0 ? `, exit code ${job.slurmExit.code}` : '';
  const reason = job.reason && job.reason !== job.slurmState ? ` (${job.reason})` : '';
  return { state: 'failed', reason: `${slurm}${reason}${code}${signal} before the stage wrote an exit code` };
}
