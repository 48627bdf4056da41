/**
 * Finishing a run nobody follows any more (`dapt run --detach`, or a `dapt run` that died): once
 * its jobs have all ended, `dapt status` writes the report and closes the MLflow runs that the
 * submitting `dapt run` opened, as that run would have.
 */
import { access } from 'node:fs/promises';
import type { Plan } from '../../plan/types.ts';
import { generateReport, type ReportResult } from '../../report/index.ts';
import { openRunLogger, openTracking, type Tracking } from '../../track/index.ts';
import { stagePaths } from '../../store/layout.ts';
import { settleProducedBy } from '../produced-by.ts';
import { stageState } from '../../store/stage-state.ts';
import { removeRecord, type SubmissionRecord } from './record.ts';

export interface Finalised {
  records: number;
  report: ReportResult | null;
  reportError: string | null;
  warnings: string[];
}

const exists = (p: string) => access(p).then(() => true, () => false);

export async function finaliseRecords(opts: { plan: Plan; storeDir: string; env: NodeJS.ProcessEnv; records: SubmissionRecord[] }): Promise<Finalised> {
  const out: Finalised = { records: 0, report: null, reportError: null, warnings: [] };
  if (opts.records.length === 0) return out;
  try {
    out.report = await generateReport({ plan: opts.plan, storeDir: opts.storeDir });
  } catch (e) {
    out.reportError = (e as Error).message;
  }
  let tracking: Tracking | null = null;
  try {
    tracking = openTracking({ storeDir: opts.storeDir, env: opts.env });
  } catch (e) {
    out.warnings.push(`MLflow: ${(e as Error).message}; the runs of the detached submission stay open`);
  }
  for (const record of opts.records) {
    let failed = false;
    for (const [key, { tracking: handle }] of Object.entries(record.stages)) {
      const done = (await stageState(opts.storeDir, key)) === 'done';
      failed ||= !done;
      // A stage process that wrote its exit code closed its own run.
      if (handle && tracking && !(await exists(stagePaths(opts.storeDir, key).exitcode))) {
        await tracking.finishRun(handle, 'KILLED').catch((e: Error) => out.warnings.push(`MLflow: closing a stage run failed: ${e.message}`));
      }
    }
    for (const [experiment, parent] of Object.entries(record.parents)) {
      if (!tracking) break;
      const report = out.report?.reports.find((r) => r.experiment === experiment);
      try {
        if (report) {
          const logger = openRunLogger(parent);
          logger.artifact(report.dir, 'report');
          await logger.flush();
        }
        await tracking.finishRun(parent, failed ? 'FAILED' : 'FINISHED');
      } catch (e) {
        out.warnings.push(`MLflow: closing the run of ${experiment} failed: ${(e as Error).message}`);
      }
    }
    await removeRecord(opts.storeDir, record.id);
    out.records += 1;
  }
  if (tracking) {
    await tracking.sync().catch((e: Error) => out.warnings.push(`MLflow: replaying the outbox failed: ${e.message}`));
    await settleProducedBy(opts.storeDir).catch((e: Error) => out.warnings.push(`MLflow: recording real run ids in manifests failed: ${e.message}`));
  }
  return out;
}
