/**
 * The local executor: each stage is a child process on this machine running the same command a
 * cluster job runs (`node bin/dapt.js stage <spec.json>`). Its stdout and stderr go straight to
 * the stage's log.txt (not through us), so the log survives if `dapt run` itself dies; the live
 * view tails the file. Children get their own process group, so a Ctrl-C in the terminal reaches
 * only `dapt run`, which then stops them once, gracefully.
 */
import { closeSync, openSync } from 'node:fs';
import { execa } from 'execa';
import { localDefaultSlots, visibleGpus } from './concurrency.ts';
import type { Executor, ExecutorContext, StageExit, StageHandle, StageJob } from './types.ts';

export function createLocalExecutor(ctx: ExecutorContext): Executor {
  const [command, ...prefix] = ctx.daptCommand;
  if (!command) throw new Error('daptCommand is empty');
  return {
    name: 'local',
    defaultSlots: () => localDefaultSlots(undefined, undefined, visibleGpus(ctx.env)),
    async start(job: StageJob): Promise<StageHandle> {
      // execa's types admit only descriptors 0–9, but any descriptor number goes to spawn() as is
      // ("native"): the child writes to the file itself, with no pipe through this process.
      const log = openSync(job.paths.log, 'a') as 1;
      const spawn = () =>
        execa(command, [...prefix, 'stage', job.paths.spec], {
          stdin: 'ignore',
          stdout: log,
          stderr: log,
          detached: true,
          cleanup: false,
          reject: false,
          env: { ...ctx.env, ...job.env, DAPT_PARENT_PID: String(process.pid) },
          extendEnv: false,
        });
      let child: ReturnType<typeof spawn>;
      try {
        child = spawn();
      } finally {
        // The child has its own copy of the descriptor.
        closeSync(log);
      }
      const pid = child.pid;
      const exited: Promise<StageExit> = child.then(
        (r) => ({ exitCode: r.exitCode ?? null, signal: r.signal ?? null }),
        (e: unknown) => ({ exitCode: null, signal: (e as { signal?: string }).signal ?? null }),
      );
      const signalGroup = (signal: NodeJS.Signals) => {
        if (pid === undefined) return;
        try {
          // The whole group: the stage may have started helpers of its own.
          process.kill(-pid, signal);
        } catch {
          child.kill(signal);
        }
      };
      return {
        exited,
        lockFields: pid === undefined ? {} : { childPid: pid },
        interrupt: () => {
          if (pid !== undefined) {
            try {
              process.kill(pid, 'SIGTERM');
            } catch {
              // already gone
            }
          }
        },
        kill: () => signalGroup('SIGKILL'),
      };
    },
    async close() {},
  };
}
