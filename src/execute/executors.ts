/**
 * Executors by name (`--executor NAME`): each drives the DAG engine one way. Each is loaded on
 * demand so `dapt run` on a laptop never loads cluster code. To add one: implement `DagRunner`
 * (types.ts) with a driver of the engine (dag/types.ts) in its own folder and add a line here.
 */
import { UsageError } from '../errors.ts';
import type { DagRunner, DagRunnerFactory, ExecutorContext } from './types.ts';

const executors: Record<string, () => Promise<DagRunnerFactory>> = {
  local: async () => (await import('./local-runner.ts')).createLocalRunner,
  slurm: async () => (await import('./slurm/executor.ts')).createSlurmExecutor,
};

export function executorNames(): string[] {
  return Object.keys(executors);
}

export async function createExecutor(name: string, ctx: ExecutorContext): Promise<DagRunner> {
  const load = executors[name];
  if (!load) throw new UsageError(`unknown executor "${name}"; known executors: ${executorNames().join(', ')}`);
  return (await load())(ctx);
}
