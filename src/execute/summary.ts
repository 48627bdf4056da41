/** The end-of-run summary: counts, and for each failure its reason, log path and last lines. */
import type { StageKey } from '../plan/types.ts';
import { lastLines } from './log-tail.ts';
import type { ExecutionResult, StageRunState } from './types.ts';

const LOG_LINES = 12;

function counts(states: ReadonlyMap<StageKey, StageRunState>): string {
  const n = (s: StageRunState) => [...states.values()].filter((v) => v === s).length;
  const parts: Array<[number, string]> = [
    [n('done'), 'run'],
    [n('cached'), 'cached'],
    [n('failed'), 'failed'],
    [n('blocked'), 'blocked by a failure'],
    [n('interrupted'), 'interrupted'],
    [n('pending') + n('locked') + n('starting'), 'not started'],
  ];
  return `${states.size} stages: ${parts.filter(([c]) => c > 0).map(([c, w]) => `${c} ${w}`).join(', ')}`;
}

export async function formatSummary(result: ExecutionResult): Promise<string> {
  const lines = [counts(result.states)];
  for (const f of result.failures) {
    lines.push('', `FAILED ${f.stage.title} [${f.stage.key}] after ${f.attempts} attempt${f.attempts > 1 ? 's' : ''}: ${f.reason}`, `  log: ${f.logPath}`);
    const tail = await lastLines(f.logPath, LOG_LINES);
    if (tail.length) lines.push(`  last lines:`, ...tail.map((l) => `    ${l}`));
  }
  if (result.interrupted) {
    lines.push('', 'interrupted: running stages stopped at their last checkpoint; run the same command again to resume');
  }
  return lines.join('\n');
}
