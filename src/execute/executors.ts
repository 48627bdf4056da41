/**
 * Executors by name. Each is loaded on demand so `dapt run` on a laptop never loads cluster code.
 * To add one: implement `Executor` (types.ts) in its own folder and add a line here.
 */
import { UsageError } from '../errors.ts';
import type { Executor, ExecutorContext, ExecutorFactory } from './types.ts';

const executors: Record<string, () => Promise<ExecutorFactory>> = {
  local: async () => (await import('./local.ts')).createLocalExecutor,
  slurm: async () => (await import('./slurm/executor.ts')).createSlurmExecutor,
};

export function executorNames(): string[] {
  return Object.keys(executors);
}

export async function createExecutor(name: string, ctx: ExecutorContext): Promise<Executor> {
  const load = executors[name];
  if (!load) throw new UsageError(`unknown executor "${name}"; known executors: ${executorNames().join(', ')}`);
  return (await load())(ctx);
}
