/**
 * The local executor (`--executor local`, the default): the DAG engine with the launch-when-ready
 * driver (scheduler.ts), each stage a child process on this machine (local.ts).
 */
import { slotsFromJobs } from './concurrency.ts';
import { createLocalExecutor } from './local.ts';
import { Scheduler } from './scheduler.ts';
import type { DagRunner, ExecutorContext } from './types.ts';

export function createLocalRunner(ctx: ExecutorContext): DagRunner {
  const executor = createLocalExecutor(ctx);
  return {
    name: 'local',
    schedule: (opts, jobs) => new Scheduler({ ...opts, executor, slots: jobs == null ? executor.defaultSlots() : slotsFromJobs(jobs) }),
    close: () => executor.close(),
  };
}
