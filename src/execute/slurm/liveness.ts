/**
 * Whether a stage lock held for a Slurm job is still live: the job is queued or running. A lock
 * taken for a job records its id instead of a process (the process runs on some node, possibly
 * long after the `dapt run` that submitted it exited), so lock.ts asks here rather than checking
 * pids. A local run waiting on many such locks polls them often, so questions asked together go
 * to Slurm as one squeue call and answers are kept for a moment.
 */
import { commandSlurmClient } from './client.ts';
import { jobPhase } from './states.ts';

const CACHE_MS = 2000;
const GATHER_MS = 20;
const cache = new Map<string, { at: number; alive: boolean | null }>();
let gathering: { ids: Set<string>; answer: Promise<void> } | null = null;

async function ask(ids: string[], env: NodeJS.ProcessEnv): Promise<void> {
  let alive: Map<string, boolean> | null = null;
  try {
    const rows = await commandSlurmClient(env).queue(ids);
    alive = new Map(rows.map((r) => [r.id, jobPhase(r.state) !== 'ended']));
  } catch {
    // No squeue here, or the controller does not answer: cannot tell.
  }
  const at = Date.now();
  for (const id of ids) cache.set(id, { at, alive: alive ? (alive.get(id) ?? false) : null });
}

/** True while queued or running, false once ended or purged, null when Slurm cannot be asked from here. */
export async function slurmJobAlive(jobId: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean | null> {
  const hit = cache.get(jobId);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.alive;
  if (!gathering) {
    const batch: { ids: Set<string>; answer: Promise<void> } = {
      ids: new Set(),
      answer: new Promise((resolve) => setTimeout(resolve, GATHER_MS)).then(() => {
        if (gathering === batch) gathering = null;
        return ask([...batch.ids], env);
      }),
    };
    gathering = batch;
  }
  gathering.ids.add(jobId);
  await gathering.answer;
  return cache.get(jobId)?.alive ?? null;
}
