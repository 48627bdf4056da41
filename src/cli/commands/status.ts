/** `dapt status FILE…`: where every stage is (run store + Slurm queue); follows the jobs until they end. */
import { resolve } from 'node:path';
import type { ExecEvent } from '../../execute/types.ts';
import { DEFAULT_STORE_DIR } from '../../store/layout.ts';
import type { Command, CommandIO } from '../types.ts';

function isTty(stream: NodeJS.WritableStream): boolean {
  return (stream as NodeJS.WriteStream).isTTY === true;
}

export const status: Command = {
  name: 'status',
  usage:
    'status FILE… [--store DIR] [--data-root DIR] [--profile FILE] [--once]\n\n' +
    'Shows the stages of the experiments as `dapt run` does: done, queued or running as Slurm jobs, held by\n' +
    'another run, failed. Follows the jobs until none is queued or running (Ctrl-C stops watching; the jobs\n' +
    'keep running); --once prints the state once. When the jobs of a detached `dapt run --executor slurm`\n' +
    'have all ended, it writes the report and closes that run\'s MLflow runs.',
  summary: 'show (and follow) the stages of experiments, e.g. the Slurm jobs of a detached run',
  options: {
    store: { type: 'string', default: DEFAULT_STORE_DIR },
    'data-root': { type: 'string' },
    profile: { type: 'string' },
    once: { type: 'boolean', default: false },
  },
  async run({ values, positionals }, io: CommandIO) {
    const [{ loadStudy }, { loadExecutionProfile }, { followStudy, finaliseDetachedRuns }, { formatSnapshot }, { formatSummary }, { createRunView }] = await Promise.all([
      import('../../study/load.ts'),
      import('../../config/profile.ts'),
      import('../../execute/status.ts'),
      import('../../execute/snapshot.ts'),
      import('../../execute/summary.ts'),
      import('../../execute/view.ts'),
    ]);
    const storeDir = resolve(io.cwd, values['store'] as string);
    const profilePath = (values['profile'] as string | undefined) ?? io.env['DAPT_PROFILE'];
    const profile = profilePath ? await loadExecutionProfile(profilePath, io.cwd) : null;
    const prepared = await loadStudy({ command: 'status', files: positionals, cwd: io.cwd, env: io.env, storeDir, dataRootFlag: (values['data-root'] as string | undefined) ?? null });
    const { plan } = prepared;
    const follow = (onEvent: (e: ExecEvent) => void) => followStudy({ plan, storeDir, env: io.env, execution: prepared.execution, profile, onEvent });

    if (values['once']) {
      const watch = await follow(() => undefined);
      await watch.snapshot();
      io.stdout.write(formatSnapshot(watch.stages) + '\n');
      return watch.result().failures.length > 0 ? 1 : 0;
    }

    const view = createRunView({ stream: io.stderr, tty: isTty(io.stderr), storeDir, stageCount: plan.stages.length });
    const watch = await follow((e) => view.onEvent(e));
    const onSignal = () => watch.stop();
    const handled: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const s of handled) process.on(s, onSignal);
    let execution;
    try {
      execution = await watch.follow();
    } finally {
      await view.stop();
      for (const s of handled) process.off(s, onSignal);
    }
    if (execution.interrupted) {
      const live = watch.liveJobs();
      io.stderr.write(`\nstopped watching; ${live.length ? `the Slurm jobs keep running (scancel ${live.join(' ')} cancels them)` : 'nothing is running'}\n`);
      return 0;
    }
    io.stderr.write(`\n${await formatSummary(execution)}\n`);

    const finalised = await finaliseDetachedRuns({ plan, storeDir, env: io.env });
    for (const w of finalised.warnings) io.stderr.write(`warning: ${w}\n`);
    if (finalised.report) {
      io.stdout.write(`\n${finalised.report.table}\n`);
      io.stdout.write(`\nreport: ${finalised.report.markdownPath}\n        ${finalised.report.htmlPath}\n`);
    } else if (finalised.reportError) {
      io.stderr.write(`warning: the report could not be written: ${finalised.reportError}\n`);
    }
    return execution.failures.length > 0 ? 1 : 0;
  },
};
