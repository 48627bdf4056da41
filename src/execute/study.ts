/**
 * One `dapt run` after planning: MLflow parent runs, the DAG engine driven by the chosen executor,
 * then the report and an outbox sync. Interrupts come from the caller (the CLI owns signals).
 */
import { fileURLToPath } from 'node:url';
import type { ExecutionSpec } from '../config/types.ts';
import { isDaptError } from '../errors.ts';
import type { Plan } from '../plan/types.ts';
import { generateReport, type ReportResult } from '../report/index.ts';
import { createExecutor } from './executors.ts';
import type { ExecutionProfile } from '../config/types.ts';
import type { SpecDefaults } from './spec.ts';
import { StudyTracker } from './tracking.ts';
import type { DagOptions, DagRun, ExecEvent, ExecutionResult } from './types.ts';

/** `node <repo>/bin/dapt.js`: what every stage process runs, locally and on a cluster. */
export function daptCommand(): string[] {
  return [process.execPath, fileURLToPath(new URL('../../bin/dapt.js', import.meta.url))];
}

export interface StudyOptions {
  plan: Plan;
  specDefaults: SpecDefaults;
  executor: string;
  execution: ExecutionSpec | null;
  /** `--profile`: overrides `execution` field by field. */
  profile?: ExecutionProfile | null;
  jobs: number | null;
  retry: number;
  force: ReadonlySet<string>;
  verify: boolean;
  /** MLflow on (the default) or off. */
  tracking: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** `mlflow.source.name` of the runs. */
  source: string;
  onEvent(event: ExecEvent): void;
}

export interface StudyResult {
  execution: ExecutionResult;
  report: ReportResult | null;
  reportError: string | null;
  trackingUri: string | null;
  sync: { replayed: number; pending: number } | null;
}

export interface StudyRun {
  /** First Ctrl-C: stages checkpoint and stop. */
  interrupt(): void;
  /** Second Ctrl-C: stop now. */
  kill(): void;
  /** Only for executors whose stages outlive `dapt run` (Slurm): stop following them, leave them running. */
  detach?: () => void;
  result: Promise<StudyResult>;
}

export async function startStudy(opts: StudyOptions): Promise<StudyRun> {
  const { storeDir } = opts.specDefaults;
  const warn = (message: string) => opts.onEvent({ type: 'warning', message });
  const executor = await createExecutor(opts.executor, { storeDir, env: opts.env, daptCommand: daptCommand(), execution: opts.execution, profile: opts.profile ?? null });
  const tracker = opts.tracking
    ? await StudyTracker.open({ storeDir, env: opts.env, plan: opts.plan, source: opts.source, backend: opts.specDefaults.backend, cwd: opts.cwd, onWarning: warn })
    : null;
  const dagOptions: DagOptions = {
    plan: opts.plan,
    storeDir,
    retry: opts.retry,
    force: opts.force,
    verify: opts.verify,
    specDefaults: opts.specDefaults,
    tracker,
    onEvent: opts.onEvent,
  };
  const dag: DagRun = executor.schedule(dagOptions, opts.jobs);

  const result = (async (): Promise<StudyResult> => {
    let execution: ExecutionResult;
    try {
      execution = await dag.run();
    } catch (e) {
      await tracker?.finish(isDaptError(e) && e.code === 'DAPT_INTERRUPTED' ? 'KILLED' : 'FAILED');
      throw e;
    } finally {
      await executor.close();
    }
    let report: ReportResult | null = null;
    let reportError: string | null = null;
    if (!execution.interrupted && !execution.detached) {
      try {
        report = await generateReport({ plan: opts.plan, storeDir });
      } catch (e) {
        reportError = (e as Error).message;
      }
    }
    let sync = null;
    if (tracker && execution.detached) {
      // The parent runs stay open: `dapt status` closes them when the jobs have ended.
      sync = await tracker.sync();
    } else if (tracker) {
      if (report) await tracker.logReport(report.reports);
      await tracker.finish(execution.interrupted ? 'KILLED' : execution.failures.length ? 'FAILED' : 'FINISHED');
      sync = await tracker.sync();
    }
    return { execution, report, reportError, trackingUri: tracker?.uri ?? null, sync };
  })();

  const detach = dag.detach?.bind(dag);
  return { interrupt: () => dag.interrupt(), kill: () => dag.kill(), ...(detach ? { detach } : {}), result };
}
