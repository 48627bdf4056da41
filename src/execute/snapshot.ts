/** `dapt status --once`: the stages of a plan as one look at the store and the queue found them. */
import type { Stage } from '../plan/types.ts';
import type { StageRunState } from './types.ts';

export interface WatchedStage {
  stage: Stage;
  state: StageRunState;
  jobId: string | null;
  /** Slurm's reason for a queued job, or why a stage failed / is held. */
  detail: string | null;
}

/** `dapt status --once`: one line per stage that is not finished, then the counts. */
export function formatSnapshot(stages: readonly WatchedStage[]): string {
  const counts = new Map<StageRunState, number>();
  const lines: string[] = [];
  const words: Partial<Record<StageRunState, string>> = { pending: 'waiting', locked: 'held by another run' };
  for (const w of stages) {
    const state = w.state === 'cached' ? 'done' : w.state;
    counts.set(state, (counts.get(state) ?? 0) + 1);
    if (state === 'done') continue;
    lines.push(`  ${(words[state] ?? state).padEnd(11)} ${w.stage.title} [${w.stage.key.slice(0, 8)}]${w.detail ? `: ${w.detail}` : ''}`);
  }
  const order: StageRunState[] = ['running', 'pending', 'locked', 'done', 'failed', 'blocked', 'interrupted'];
  const summary = order.filter((s) => counts.get(s)).map((s) => `${counts.get(s)} ${words[s] ?? s}`).join(' · ');
  return [`${stages.length} stages: ${summary}`, ...lines].join('\n');
}
