/**
 * Whether a stage lock held for a Slurm job is still live: the job is queued or running. A lock
 * taken for a job records its id instead of a process (the process runs on some node, possibly
 * long after the `dapt run` that submitted it exited), so lock.ts asks here rather than checking
 * pids. Answers are cached briefly: a local run waiting on many such locks polls them often.
 */
import { commandSlurmClient } from './client.ts';
import { jobPhase } from './states.ts';

const CACHE_MS = 5000;
const cache = new Map<string, { at: number; alive: boolean | null }>();

/** True while queued or running, false once ended or purged, null when Slurm cannot be asked from here. */
export async function slurmJobAlive(jobId: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean | null> {
  const hit = cache.get(jobId);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.alive;
  let alive: boolean | null;
  try {
    const rows = await commandSlurmClient(env).queue([jobId]);
    const row = rows.find((r) => r.id === jobId || r.jobId === jobId);
    alive = row !== undefined && jobPhase(row.state) !== 'ended';
  } catch {
    alive = null;
  }
  cache.set(jobId, { at: Date.now(), alive });
  return alive;
}
