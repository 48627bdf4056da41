/**
 * The Slurm executor (`dapt run --executor slurm`). A whole plan runs through `schedule` (every
 * job submitted up front with dependencies; see dag.ts). `start` runs one stage as one job and
 * waits for it, which is what the Executor contract asks of executors driven by the local
 * Scheduler.
 */
import type { ExecutorContext, Executor, StageExit, StageHandle, StageJob } from '../types.ts';
import { commandSlurmClient } from './client.ts';
import { SlurmDagRun } from './dag.ts';
import { observeJobs, readExitCode } from './observe.ts';
import { stageSbatchArgs, stageScript } from './sbatch.ts';
import { resolveSlurmSettings, stageResources } from './settings.ts';
import type { SlurmClient, SlurmSettings } from './types.ts';

async function waitForJob(client: SlurmClient, jobId: string, exitcodePath: string, settings: SlurmSettings): Promise<StageExit> {
  for (;;) {
    const seen = await observeJobs(client, [jobId]).catch(() => null);
    if (seen?.get(jobId)?.phase === 'ended') break;
    await new Promise((r) => setTimeout(r, settings.pollMs));
  }
  const code = await readExitCode(exitcodePath);
  if (code !== null) return { exitCode: code, signal: null };
  const detail = await client.show(jobId).catch(() => null);
  return { exitCode: null, signal: detail ? `Slurm job ${jobId} ended ${detail.state}` : `Slurm job ${jobId} left the queue` };
}

export function createSlurmExecutor(ctx: ExecutorContext, client: SlurmClient = commandSlurmClient(ctx.env)): Executor {
  const settings = resolveSlurmSettings(ctx.execution, ctx.profile ?? null);
  return {
    name: 'slurm',
    // Slurm's own scheduler decides how many jobs run at once.
    defaultSlots: () => ({ total: Number.MAX_SAFE_INTEGER, heavy: Number.MAX_SAFE_INTEGER }),
    async start(job: StageJob): Promise<StageHandle> {
      const jobId = await client.submit({
        args: stageSbatchArgs({ key: job.key, title: job.title, stageDir: job.paths.dir, logPath: job.paths.log, resources: stageResources(settings, job.kind, job.heavy), dependencies: [] }, settings),
        script: stageScript({ key: job.key, title: job.title, attempt: job.attempt, command: [...ctx.daptCommand, 'stage', job.paths.spec], parentManifests: [], setup: settings.setup, env: job.env }),
        env: {},
      });
      return {
        exited: waitForJob(client, jobId, job.paths.exitcode, settings),
        lockFields: { extra: { executor: 'slurm', jobId } },
        interrupt: () => void client.cancel([jobId]).catch(() => undefined),
        kill: () => void client.cancel([jobId], { signal: 'KILL' }).catch(() => undefined),
      };
    },
    async close() {},
    schedule: (opts) => new SlurmDagRun(opts, { client, settings, daptCommand: ctx.daptCommand }),
  };
}
