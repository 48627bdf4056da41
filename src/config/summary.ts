/** A one-line description of a valid experiment (for `dapt validate`). */
import { displayFile } from './format.ts';
import type { Experiment } from './types.ts';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export interface ExperimentSummary {
  points: number;
  arms: number;
  tasks: number;
  seeds: number;
  finetuneRuns: number;
  base: string;
}

export function summarise(e: Experiment, cwd?: string): ExperimentSummary {
  const first = e.points[0]?.spec;
  const base = first?.base;
  let runs = 0;
  for (const p of e.points) for (const arm of p.spec.arms) runs += arm.tasks.length * p.spec.finetune.seeds.length;
  return {
    points: e.points.length,
    arms: first?.arms.length ?? 0,
    tasks: Object.keys(first?.tasks ?? {}).length,
    seeds: first?.finetune.seeds.length ?? 0,
    finetuneRuns: runs,
    base: !base ? 'none' : base.from ? displayFile(base.from, cwd) : base.kind === 'checkpoint' ? displayFile(base.path, cwd) : `scratch on ${base.corpus.name}`,
  };
}

export function summaryLine(e: Experiment, cwd?: string): string {
  const s = summarise(e, cwd);
  return `${plural(s.points, 'sweep point')}, ${plural(s.arms, 'arm')}, ${plural(s.tasks, 'task')}, ${plural(s.seeds, 'seed')}, ${plural(s.finetuneRuns, 'fine-tuning run')}; base: ${s.base}`;
}
