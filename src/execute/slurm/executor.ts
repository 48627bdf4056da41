/**
 * The Slurm executor (`dapt run --executor slurm`): the DAG engine with the submit-everything
 * driver (dag.ts). Slurm's own scheduler decides how many jobs run at once, so `--jobs` does not
 * apply.
 */
import type { DagRunner, ExecutorContext } from '../types.ts';
import { commandSlurmClient } from './client.ts';
import { SlurmDagRun } from './dag.ts';
import { resolveSlurmSettings } from './settings.ts';
import type { SlurmClient } from './types.ts';

export function createSlurmExecutor(ctx: ExecutorContext, client: SlurmClient = commandSlurmClient(ctx.env)): DagRunner {
  const settings = resolveSlurmSettings(ctx.execution, ctx.profile ?? null);
  return {
    name: 'slurm',
    schedule: (opts) => new SlurmDagRun(opts, { client, settings, daptCommand: ctx.daptCommand }),
    async close() {},
  };
}
