/** `dapt run --dry-run`: what would run and what is cached, without running anything. */
import { access } from 'node:fs/promises';
import type { Plan, Stage } from '../plan/types.ts';
import { stagePaths } from '../store/layout.ts';
import { stageState } from '../store/stage-state.ts';

async function hasCheckpoint(storeDir: string, stage: Stage): Promise<boolean> {
  try {
    await access(stagePaths(storeDir, stage.key).checkpoint);
    return true;
  } catch {
    return false;
  }
}

export interface DryRun {
  run: Array<{ stage: Stage; forced: boolean; resumes: boolean }>;
  cached: Stage[];
}

export async function dryRun(plan: Plan, storeDir: string, force: ReadonlySet<string>, verify: boolean): Promise<DryRun> {
  const out: DryRun = { run: [], cached: [] };
  for (const stage of plan.stages) {
    const state = await stageState(storeDir, stage.key, { full: verify });
    const forced = force.has(stage.key);
    if (state === 'done' && !forced) out.cached.push(stage);
    else out.run.push({ stage, forced, resumes: state === 'partial' && !forced && (await hasCheckpoint(storeDir, stage)) });
  }
  return out;
}

export function formatDryRun(d: DryRun): string {
  const line = (s: Stage, note = '') => `  ${s.kind.padEnd(9)} ${s.title} [${s.key.slice(0, 12)}]${note}`;
  const lines = [`would run ${d.run.length} stage${d.run.length === 1 ? '' : 's'}:`];
  for (const r of d.run) lines.push(line(r.stage, r.forced ? ' (forced)' : r.resumes ? ' (resumes from its checkpoint)' : ''));
  lines.push(`cached ${d.cached.length} stage${d.cached.length === 1 ? '' : 's'}:`);
  for (const s of d.cached) lines.push(line(s));
  lines.push('nothing was run (--dry-run)');
  return lines.join('\n');
}
