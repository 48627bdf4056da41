/**
 * The Slurm executor's types. The executor submits every stage that is not done as one
 * `sbatch` job running `dapt stage <spec.json>` (the command the local executor runs), with
 * `afterok` dependencies between jobs, then follows them with `squeue`/`scontrol`. Everything
 * that talks to Slurm goes through a `SlurmClient`, so the logic is tested without a cluster.
 */
import type { SlurmResources } from '../../config/types.ts';
import type { StageKind } from '../../plan/types.ts';

export type { SlurmResources };

/** Everything the executor needs, merged from defaults, the experiment file and a profile. */
export interface SlurmSettings {
  partition: string | null;
  account: string | null;
  resources: Record<StageKind, SlurmResources>;
  /** Passed verbatim after dapt's own sbatch arguments (sbatch honours the last of a repeated option). */
  extraArgs: string[];
  /** Shell lines run in each job before the stage (`module load nodejs`, …). */
  setup: string[];
  /** How often to ask Slurm about the jobs. */
  pollMs: number;
}

/** One line of `squeue -h -r -t all -o '%i|%A|%F|%K|%j|%T|%r|%E'`. */
export interface QueueRow {
  /** `%i`: `123`, or `123_4` for an array task. */
  id: string;
  /** `%A`: the job's own numeric id. */
  jobId: string;
  /** `%F` / `%K`: array job id and task index (null outside arrays). */
  arrayJobId: string | null;
  arrayTaskId: string | null;
  name: string;
  /** `%T`: PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, … */
  state: string;
  /** `%r`: why it waits or ended (Priority, Dependency, DependencyNeverSatisfied, …); null for None. */
  reason: string | null;
  /** `%E`: remaining dependencies, e.g. `afterok:12(unfulfilled)`; null when none. */
  dependency: string | null;
}

/** What `scontrol show job -o <id>` adds: how the job ended. */
export interface JobDetail {
  jobId: string;
  state: string;
  reason: string | null;
  /** `ExitCode=<code>:<signal>`. */
  exitCode: number | null;
  signal: number | null;
  nodeList: string | null;
}

/** Where a job is, as far as the executor cares. */
export type JobPhase = 'queued' | 'running' | 'ended';

export interface SubmitRequest {
  /** sbatch arguments (without the script). */
  args: string[];
  /** The batch script, given to sbatch on stdin. */
  script: string;
  /** Extra environment for sbatch itself (it exports its environment into the job). */
  env: Record<string, string>;
}

export interface SlurmClient {
  /** `sbatch --parsable …`; returns the job id. Throws DaptError(DAPT_SLURM) when sbatch refuses. */
  submit(request: SubmitRequest): Promise<string>;
  /** Rows for the jobs Slurm still knows; a job it has purged is simply missing. Throws if squeue fails. */
  queue(jobIds: readonly string[]): Promise<QueueRow[]>;
  /** Null when Slurm no longer knows the job. */
  show(jobId: string): Promise<JobDetail | null>;
  /** `scancel`; with `signal: 'KILL'` running jobs are killed at once instead of asked to stop. */
  cancel(jobIds: readonly string[], opts?: { signal?: 'KILL' }): Promise<void>;
}
