/** `dapt run FILE…`: plan the experiments and run every stage that is not done yet. */
import { resolve } from 'node:path';
import type { BackendName } from '../../train/backend/types.ts';
import { InterruptedError, UsageError } from '../../errors.ts';
import type { StudyRun } from '../../execute/study.ts';
import type { RunView } from '../../execute/view.ts';
import { DEFAULT_STORE_DIR } from '../../store/layout.ts';
import { askYesNo } from '../ask.ts';
import type { Command, CommandIO } from '../types.ts';

const backends = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const satisfies ReadonlyArray<'auto' | BackendName>;
const DEFAULT_CHECKPOINT_SECONDS = 300;

function positiveInt(name: string, raw: unknown, min: number): number | null {
  if (raw === undefined) return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got "${String(raw)}"`);
  return n;
}

function oneOf<T extends string>(name: string, raw: unknown, allowed: readonly T[], fallback: T): T {
  if (raw === undefined) return fallback;
  if (!(allowed as readonly unknown[]).includes(raw)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${String(raw)}"`);
  return raw as T;
}

function isTty(stream: NodeJS.WritableStream): boolean {
  return (stream as NodeJS.WriteStream).isTTY === true;
}

export const run: Command = {
  name: 'run',
  usage:
    'run FILE… [--store DIR] [--data-root DIR] [--jobs N] [--retry N] [--force KEY-PREFIX|KIND]… [--dry-run] [--verify] ' +
    '[--backend NAME] [--executor local|slurm] [--profile FILE] [--detach] [--checkpoint-every SECONDS] [--trainer real|fake]\n\n' +
    '--executor slurm submits every stage that is not done as one Slurm job (dependencies included) and follows them.\n' +
    '  The run store (--store) must be on a filesystem every node shares (a home or project directory, not /tmp);\n' +
    '  a tiny job checks this before anything is submitted. Ctrl-C asks whether to cancel the jobs.\n' +
    '--detach (slurm): submit, then exit, leaving the jobs running; `dapt status FILE…` follows them.\n' +
    '--profile FILE (or DAPT_PROFILE): site settings (executor, jobs, slurm: partition, account, gpus, extra_args, setup,\n' +
    '  resources per stage kind). Flags override the profile, which overrides the experiment\'s `execution:`.\n' +
    '--trainer fake is for tests only: deterministic stand-in stages that train nothing.\n' +
    '--verify re-hashes every file of finished stages instead of trusting unchanged size and mtime.',
  summary: 'run every stage of the experiments that is not done yet (resumes, skips cached stages)',
  options: {
    store: { type: 'string', default: DEFAULT_STORE_DIR },
    'data-root': { type: 'string' },
    jobs: { type: 'string' },
    retry: { type: 'string', default: '0' },
    force: { type: 'string', multiple: true },
    'dry-run': { type: 'boolean', default: false },
    verify: { type: 'boolean', default: false },
    backend: { type: 'string' },
    executor: { type: 'string' },
    profile: { type: 'string' },
    detach: { type: 'boolean', default: false },
    'checkpoint-every': { type: 'string' },
    trainer: { type: 'string', default: 'real' },
    'allow-leakage': { type: 'boolean', default: false },
  },
  async run({ values, positionals }, io: CommandIO) {
    // Loaded here, not at the top: every `dapt stage` process loads the command table.
    const [{ assertNoLeakage }, { dryRun, formatDryRun }, { executorNames }, { forcedStages }, { cacheDir }, { loadStudy }, { loadExecutionProfile }, { startStudy }, { formatSummary }, { createRunView }] =
      await Promise.all([
        import('../../data/leakage.ts'),
        import('../../execute/dry-run.ts'),
        import('../../execute/executors.ts'),
        import('../../execute/force.ts'),
        import('../../store/layout.ts'),
        import('../../study/load.ts'),
        import('../../config/profile.ts'),
        import('../../execute/study.ts'),
        import('../../execute/summary.ts'),
        import('../../execute/view.ts'),
      ]);
    const storeDir = resolve(io.cwd, values['store'] as string);
    const jobs = positiveInt('jobs', values['jobs'], 1);
    const retry = positiveInt('retry', values['retry'], 0) ?? 0;
    const checkpointEverySeconds = positiveInt('checkpoint-every', values['checkpoint-every'], 1) ?? DEFAULT_CHECKPOINT_SECONDS;
    const trainer = oneOf('trainer', values['trainer'], ['real', 'fake'] as const, 'real');
    const backend = oneOf('backend', values['backend'] ?? io.env['DAPT_BACKEND'], backends, 'auto');
    const dataRootFlag = (values['data-root'] as string | undefined) ?? null;
    const profilePath = (values['profile'] as string | undefined) ?? io.env['DAPT_PROFILE'];
    const profile = profilePath ? await loadExecutionProfile(profilePath, io.cwd) : null;

    const prepared = await loadStudy({ files: positionals, cwd: io.cwd, env: io.env, storeDir, dataRootFlag });
    const { plan } = prepared;
    const executor = oneOf('executor', values['executor'] ?? profile?.executor ?? prepared.execution?.executor, executorNames(), 'local');
    if (values['detach'] && executor === 'local') throw new UsageError('--detach leaves cluster jobs running; it needs --executor slurm');
    const force = forcedStages(plan, (values['force'] as string[] | undefined) ?? []);
    const verify = values['verify'] === true;

    if (values['dry-run']) {
      io.stdout.write(formatDryRun(await dryRun(plan, storeDir, force, verify)) + '\n');
      return 0;
    }

    const allowLeakage = values['allow-leakage'] === true;
    const leakage = await assertNoLeakage(plan, { cacheDir: cacheDir(storeDir), allow: allowLeakage, overrideHint: 'rerun with --allow-leakage' });
    if (leakage.overridden) io.stderr.write('warning: dev/test text found in pretraining corpora; going on because of --allow-leakage\n');
    for (const pair of leakage.taskText) {
      io.stderr.write(
        `note: ${pair.docs} of ${pair.sourceDocs} documents of ${pair.source} share text with ${pair.examples} dev/test examples of ${pair.task} ` +
          '(task text used for TAPT, which fine-tuning trains on anyway; not an error)\n',
      );
    }

    let view: RunView = createRunView({ stream: io.stderr, tty: isTty(io.stderr), storeDir, stageCount: plan.stages.length });
    let study: StudyRun | null = null;
    let signals = 0;
    // Cluster jobs outlive this process: ask before cancelling them (a lost terminal leaves them running).
    const onClusterSignal = async (signal: NodeJS.Signals, s: StudyRun, detach: () => void) => {
      let cancel = signal !== 'SIGHUP';
      if (signal === 'SIGINT' && isTty(io.stderr) && process.stdin.isTTY) {
        const held: Array<Parameters<RunView['onEvent']>[0]> = [];
        await view.stop();
        view = { onEvent: (e) => void held.push(e), stop: async () => undefined };
        cancel = await askYesNo('\nCancel the submitted Slurm jobs? (n leaves them running; `dapt status` follows them)', { input: process.stdin, output: io.stderr, defaultYes: true });
        view = createRunView({ stream: io.stderr, tty: false, storeDir, stageCount: plan.stages.length });
        for (const e of held) view.onEvent(e);
      }
      if (cancel) {
        io.stderr.write(`\n${signal}: cancelling the Slurm jobs; running stages save a checkpoint first (press Ctrl-C again to kill them now)\n`);
        s.interrupt();
      } else {
        io.stderr.write(`\n${signal}: leaving the Slurm jobs running\n`);
        detach();
      }
    };
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals === 1 && study?.detach) {
        void onClusterSignal(signal, study, study.detach);
      } else if (signals === 1) {
        io.stderr.write(`\n${signal}: stopping; running stages save a checkpoint first (press Ctrl-C again to stop them now)\n`);
        study?.interrupt();
      } else {
        study?.kill();
      }
    };
    const handled: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const s of handled) process.on(s, onSignal);
    let result;
    try {
      study = await startStudy({
        plan,
        specDefaults: { storeDir, dataRoot: prepared.dataRoot, backend, checkpointEverySeconds, trainer, allowLeakage },
        executor,
        execution: prepared.execution,
        jobs: jobs ?? profile?.jobs ?? prepared.execution?.jobs ?? null,
        retry,
        force,
        verify,
        tracking: true,
        env: io.env,
        cwd: io.cwd,
        source: `dapt run ${positionals.join(' ')}`,
        profile,
        onEvent: (e) => view.onEvent(e),
      });
      if (signals > 0) study.interrupt();
      if (values['detach']) study.detach?.();
      result = await study.result;
    } finally {
      await view.stop();
      for (const s of handled) process.off(s, onSignal);
    }

    if (result.execution.detached) {
      const live = [...result.execution.states.values()].filter((s) => s === 'pending' || s === 'running').length;
      io.stderr.write(`\ndetached: ${live} Slurm jobs keep running; follow them with \`dapt status ${positionals.join(' ')} --store ${values['store'] as string}\`\n`);
      return result.execution.failures.length > 0 ? 1 : 0;
    }
    io.stderr.write(`\n${await formatSummary(result.execution)}\n`);
    if (result.execution.interrupted) throw new InterruptedError();
    if (result.report) {
      io.stdout.write(`\n${result.report.table}\n`);
      io.stdout.write(`\nreport: ${result.report.markdownPath}\n        ${result.report.htmlPath}\n`);
    } else if (result.reportError) {
      io.stderr.write(`warning: the report could not be written: ${result.reportError}\n`);
    }
    if (result.trackingUri) {
      const pending = result.sync && result.sync.pending > 0 ? ` (${result.sync.pending} records wait in the outbox; \`dapt sync\` sends them)` : '';
      io.stdout.write(`MLflow: ${result.trackingUri}${pending}\n`);
    }
    return result.execution.failures.length > 0 ? 1 : 0;
  },
};
