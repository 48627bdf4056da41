/**
 * `dapt status`: following the stages of a plan that an earlier `dapt run` left to a cluster
 * (the DAG engine with its follower driver, slurm/watch.ts), and finishing that run once its jobs
 * have all ended (report, MLflow runs). The CLI needs nothing from slurm/.
 */
import type { ExecutionSpec } from '../config/types.ts';
import type { Plan } from '../plan/types.ts';
import type { ExecutionProfile } from '../config/types.ts';
import type { Finalised } from './slurm/finalise.ts';
import type { SlurmWatch } from './slurm/watch.ts';
import type { ExecEvent } from './types.ts';

export type StudyFollower = Pick<SlurmWatch, 'stages' | 'snapshot' | 'follow' | 'result' | 'liveJobs' | 'stop'>;

export async function followStudy(opts: {
  plan: Plan;
  storeDir: string;
  env: NodeJS.ProcessEnv;
  execution: ExecutionSpec | null;
  profile: ExecutionProfile | null;
  onEvent(event: ExecEvent): void;
}): Promise<StudyFollower> {
  const [{ commandSlurmClient }, { resolveSlurmSettings }, { SlurmWatch }] = await Promise.all([
    import('./slurm/client.ts'),
    import('./slurm/settings.ts'),
    import('./slurm/watch.ts'),
  ]);
  const pollMs = resolveSlurmSettings(opts.execution, opts.profile).pollMs;
  return new SlurmWatch({ plan: opts.plan, storeDir: opts.storeDir, client: commandSlurmClient(opts.env), pollMs, onEvent: opts.onEvent });
}

/** Closes the runs nobody follows any more whose stages are all in this plan (and all ended). */
export async function finaliseDetachedRuns(opts: { plan: Plan; storeDir: string; env: NodeJS.ProcessEnv }): Promise<Finalised> {
  const [{ readRecords, isOrphaned }, { finaliseRecords }] = await Promise.all([import('./slurm/record.ts'), import('./slurm/finalise.ts')]);
  const keys = new Set(opts.plan.stages.map((s) => s.key));
  const orphans = (await readRecords(opts.storeDir)).filter((r) => isOrphaned(r) && Object.keys(r.stages).every((k) => keys.has(k)));
  return finaliseRecords({ ...opts, records: orphans });
}
