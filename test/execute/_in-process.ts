/**
 * An Executor that runs `dapt stage`'s body in this process instead of a child process: the
 * scheduler's logic (order, limits, failures, retries, locks, interrupts) is tested in
 * milliseconds. Process-level behaviour (kill -9, signals, concurrent runs) is tested through the
 * real CLI elsewhere.
 */
import { runStageProcess } from '../../src/execute/stage-process.ts';
import type { Executor, StageHandle, StageJob } from '../../src/execute/types.ts';

export interface InProcessExecutor extends Executor {
  started: StageJob[];
  /** Most stages running at the same time, all and heavy ones. */
  peak: { total: number; heavy: number };
}

export function inProcessExecutor(): InProcessExecutor {
  let running = 0;
  let runningHeavy = 0;
  const executor: InProcessExecutor = {
    name: 'in-process',
    started: [],
    peak: { total: 0, heavy: 0 },
    defaultSlots: () => ({ total: 4, heavy: 1 }),
    async start(job: StageJob): Promise<StageHandle> {
      executor.started.push(job);
      running += 1;
      if (job.heavy) runningHeavy += 1;
      executor.peak.total = Math.max(executor.peak.total, running);
      executor.peak.heavy = Math.max(executor.peak.heavy, runningHeavy);
      let onSignal: ((signal: string) => void) | null = null;
      const exited = runStageProcess(job.paths.spec, {
        print: () => undefined,
        env: { ...process.env, ...job.env },
        onSignal(handler) {
          onSignal = handler;
          return () => {
            onSignal = null;
          };
        },
        exitNow: () => undefined,
      }).then(
        (exitCode) => ({ exitCode, signal: null }),
        () => ({ exitCode: 1, signal: null }),
      ).finally(() => {
        running -= 1;
        if (job.heavy) runningHeavy -= 1;
      });
      return {
        exited,
        lockFields: {},
        interrupt: () => onSignal?.('SIGTERM'),
        kill: () => onSignal?.('SIGTERM'),
      };
    },
    async close() {},
  };
  return executor;
}

/** Sets DAPT_FAKE_* (and anything else) for one test; restored afterwards. */
export function withEnv(t: import('node:test').TestContext, vars: Record<string, string>): void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  t.after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}
