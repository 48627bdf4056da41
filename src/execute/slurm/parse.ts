/** Reading what sbatch, squeue and scontrol print (pure). */
import type { JobDetail, QueueRow } from './types.ts';

/** The `squeue -o` format the parser below reads. */
export const QUEUE_FORMAT = '%i|%A|%F|%K|%j|%T|%r|%E';

/** `sbatch --parsable` prints `<id>` or `<id>;<cluster>`. Null if the output is not that. */
export function parseSbatchOutput(stdout: string): string | null {
  const line = stdout.trim().split('\n').pop()?.trim() ?? '';
  const m = /^(\d+)(?:;\S+)?$/.exec(line);
  return m ? m[1]! : null;
}

const none = (v: string | undefined): string | null => (v === undefined || v === '' || v === 'N/A' || v === '(null)' || v === 'None' ? null : v);

/**
 * Rows of `squeue -h -r -o QUEUE_FORMAT`. The job name (`%j`) may itself contain `|`, so fields
 * are taken from both ends. Lines that do not fit are skipped.
 */
export function parseQueue(stdout: string): QueueRow[] {
  const rows: QueueRow[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const parts = line.split('|');
    if (parts.length < 8) continue;
    const [id, jobId, arrayJobId, arrayTaskId] = parts;
    const [state, reason, dependency] = parts.slice(-3);
    const name = parts.slice(4, -3).join('|');
    if (!id || !jobId || !/^\d+$/.test(jobId) || !state) continue;
    const arrayTask = none(arrayTaskId);
    rows.push({
      id,
      jobId,
      arrayJobId: arrayTask === null ? null : none(arrayJobId),
      arrayTaskId: arrayTask,
      name,
      state: state.replace(/\+$/, ''),
      reason: none(reason),
      dependency: none(dependency),
    });
  }
  return rows;
}

/**
 * `scontrol show job -o <id>`: one line of `Key=Value` pairs. Values end at the next ` Key=`;
 * only the fields we use are read.
 */
export function parseShowJob(stdout: string): JobDetail | null {
  const line = stdout.split('\n').find((l) => l.startsWith('JobId='));
  if (!line) return null;
  const field = (key: string): string | null => {
    const m = new RegExp(`(?:^| )${key}=(.*?)(?= [A-Za-z/:]+=|$)`).exec(line);
    return m ? m[1]!.trim() : null;
  };
  const jobId = field('JobId');
  const state = field('JobState');
  if (!jobId || !state) return null;
  const exit = /^(\d+):(\d+)$/.exec(field('ExitCode') ?? '');
  return {
    jobId,
    state,
    reason: none(field('Reason') ?? undefined),
    exitCode: exit ? Number(exit[1]) : null,
    signal: exit ? Number(exit[2]) : null,
    nodeList: none(field('NodeList') ?? undefined),
  };
}
