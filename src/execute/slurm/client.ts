/** The SlurmClient that runs Slurm's own commands (sbatch, squeue, scontrol, scancel). */
import { execa } from 'execa';
import { DaptError } from '../../errors.ts';
import { parseQueue, parseSbatchOutput, parseShowJob, QUEUE_FORMAT } from './parse.ts';
import type { SlurmClient, SubmitRequest } from './types.ts';

const TIMEOUT_MS = 60_000;
/** squeue takes ids on its command line; stay well under any argv limit. */
const IDS_PER_CALL = 500;

/** Variables of a `dapt run` that must not leak into jobs through sbatch's `--export=ALL`. */
const NOT_FOR_JOBS = ['DAPT_PARENT_PID', 'DAPT_STAGE_LOCK_TOKEN'];

function slurmError(command: string, r: { stderr?: unknown; stdout?: unknown; exitCode?: number; code?: string; message?: string }): DaptError {
  if (r.code === 'ENOENT') {
    return new DaptError('DAPT_SLURM', `\`${command}\` was not found on PATH: run dapt on a Slurm login node (or load Slurm's module), or use --executor local`);
  }
  const text = [r.stderr, r.stdout].map((v) => (typeof v === 'string' ? v.trim() : '')).filter(Boolean).join('\n') || r.message || 'no output';
  return new DaptError('DAPT_SLURM', `\`${command}\` failed${r.exitCode !== undefined ? ` (exit ${r.exitCode})` : ''}: ${text}`);
}

export function commandSlurmClient(baseEnv: NodeJS.ProcessEnv): SlurmClient {
  const env = Object.fromEntries(Object.entries(baseEnv).filter(([k, v]) => v !== undefined && !NOT_FOR_JOBS.includes(k))) as Record<string, string>;
  const run = (command: string, args: string[], input?: string, extraEnv: Record<string, string> = {}) =>
    execa(command, args, { env: { ...env, ...extraEnv }, extendEnv: false, reject: false, timeout: TIMEOUT_MS, ...(input !== undefined ? { input } : { stdin: 'ignore' as const }) });

  return {
    async submit(request: SubmitRequest): Promise<string> {
      const r = await run('sbatch', request.args, request.script, request.env);
      if (r.failed) throw slurmError('sbatch', r);
      const id = parseSbatchOutput(String(r.stdout));
      if (!id) throw new DaptError('DAPT_SLURM', `sbatch printed no job id (expected --parsable output): ${String(r.stdout).trim() || '(nothing)'}`);
      return id;
    },

    async queue(jobIds) {
      const rows = [];
      for (let i = 0; i < jobIds.length; i += IDS_PER_CALL) {
        const ids = jobIds.slice(i, i + IDS_PER_CALL);
        const r = await run('squeue', ['-h', '-r', '-t', 'all', '-j', ids.join(','), '-o', QUEUE_FORMAT]);
        // Some Slurm versions fail when every id is unknown (all purged): that is an empty answer.
        if (r.failed && /Invalid job id/i.test(String(r.stderr))) continue;
        if (r.failed) throw slurmError('squeue', r);
        rows.push(...parseQueue(String(r.stdout)));
      }
      return rows;
    },

    async show(jobId) {
      const r = await run('scontrol', ['show', 'job', '-o', jobId]);
      if (r.failed && /Invalid job id/i.test(String(r.stderr))) return null;
      if (r.failed) throw slurmError('scontrol', r);
      return parseShowJob(String(r.stdout));
    },

    async cancel(jobIds, opts = {}) {
      if (jobIds.length === 0) return;
      const r = await run('scancel', [...(opts.signal ? [`--signal=${opts.signal}`, '--full'] : []), ...jobIds]);
      // scancel complains about jobs that already ended; that is what we wanted anyway.
      if (r.failed && !/already completing or completed|Invalid job id/i.test(String(r.stderr))) throw slurmError('scancel', r);
    },
  };
}
