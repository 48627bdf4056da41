/**
 * Compute per stage and per arm (the paper's Table 9): steps, tokens and wall time of every
 * selection and pretraining stage, and each arm's total over the stages its results depend on.
 * A stage shared by several arms (the base model, a DAPT model reused by DAPT+TAPT) counts fully
 * in each arm's total, and the table says how much of it is shared.
 */
import type { Stage, StageKey } from '../../plan/types.ts';
import { type ExperimentData, armKey } from '../collect.ts';
import { type Block, type TableBlock, heading, paragraph, slug } from '../document.ts';
import { count, seconds } from '../format.ts';
import { pointTitle } from './results.ts';
import type { StageRecord } from '../types.ts';

interface Totals {
  steps: number;
  tokens: number;
  wall: number;
  stages: number;
  done: number;
}

function emptyTotals(): Totals {
  return { steps: 0, tokens: 0, wall: 0, stages: 0, done: 0 };
}

function add(t: Totals, r: StageRecord | undefined): void {
  t.stages++;
  if (!r?.done) return;
  t.done++;
  t.steps += r.metrics['steps'] ?? 0;
  t.tokens += r.metrics['tokens'] ?? 0;
  t.wall += r.metrics['wall_seconds'] ?? 0;
}

const isPretraining = (s: Stage): boolean => s.kind === 'pretrain' || s.kind === 'select';

/** Which arms of a point depend on each stage. */
function usersOf(data: ExperimentData, point: string): Map<StageKey, string[]> {
  const users = new Map<StageKey, string[]>();
  for (const arm of data.experiment.arms) {
    for (const key of data.armStages.get(armKey(point, arm)) ?? []) users.set(key, [...(users.get(key) ?? []), arm]);
  }
  return users;
}

function doneCount(t: Totals): string {
  return t.done === t.stages ? String(t.stages) : `${t.done}/${t.stages} done`;
}

/** Every selection and pretraining stage of the experiment once, with the arms (and points) that use it. */
function stageTable(data: ExperimentData, usersByPoint: Map<string, Map<StageKey, string[]>>): TableBlock {
  const points = data.experiment.points;
  const multi = points.length > 1;
  const rows = data.stages.flatMap((s) => {
    if (!isPretraining(s)) return [];
    const arms = new Set<string>();
    const usedIn = points.filter((p) => {
      const users = usersByPoint.get(p)?.get(s.key);
      users?.forEach((a) => arms.add(a));
      return users !== undefined;
    });
    if (usedIn.length === 0) return [];
    const r = data.records.get(s.key);
    const m = r?.done ? r.metrics : {};
    return [[
      s.title,
      [...arms].join(', '),
      ...(multi ? [usedIn.length === points.length ? 'all' : usedIn.join(', ')] : []),
      count(m['steps']),
      count(m['tokens'] ?? m['selected_docs']),
      seconds(m['wall_seconds']),
      r?.backend ?? '—',
      r?.done ? 'done' : 'not run',
      `\`${s.key}\``,
    ]];
  });
  return {
    kind: 'table',
    id: 'compute-stages',
    caption: 'Pretraining and selection stages',
    header: ['Stage', 'Used by', ...(multi ? ['Points'] : []), 'Steps', 'Tokens', 'Wall time', 'Backend', 'Status', 'Stage key'],
    align: ['l', 'l', ...(multi ? ['l' as const] : []), 'r', 'r', 'r', 'l', 'l', 'l'],
    rows,
    notes: ['Tokens: training tokens processed (for a select stage: documents selected). Wall time as measured by the stage process.'],
  };
}

function armTable(data: ExperimentData, point: string, users: Map<StageKey, string[]>): TableBlock {
  const byKey = new Map(data.stages.map((s) => [s.key, s]));
  const rows = data.experiment.arms.flatMap((arm) => {
    const keys = data.armStages.get(armKey(point, arm));
    if (!keys) return [];
    const pre = emptyTotals();
    const shared = emptyTotals();
    const fine = emptyTotals();
    const evals = emptyTotals();
    for (const key of keys) {
      const s = byKey.get(key) as Stage;
      const r = data.records.get(key);
      if (isPretraining(s)) {
        add(pre, r);
        if ((users.get(key)?.length ?? 0) > 1) add(shared, r);
      } else if (s.kind === 'finetune') add(fine, r);
      else if (s.kind === 'evaluate') add(evals, r);
    }
    return [[
      arm,
      doneCount(pre),
      count(pre.steps),
      count(pre.tokens),
      seconds(pre.wall),
      shared.stages === 0 ? '—' : `${shared.stages} (${seconds(shared.wall)})`,
      doneCount(fine),
      count(fine.steps),
      seconds(fine.wall),
      seconds(evals.wall),
      seconds(pre.wall + fine.wall + evals.wall),
    ]];
  });
  return {
    kind: 'table',
    id: `compute-arms-${slug(point)}`,
    caption: `Compute per arm${pointTitle(data, point)}`,
    header: ['Arm', 'Pretraining stages', 'Steps', 'Tokens', 'Wall', 'Shared with other arms', 'Fine-tunes', 'FT steps', 'FT wall', 'Eval wall', 'Total wall'],
    rows,
    notes: [
      'Sums over the finished stages each arm\'s results depend on. A stage used by several arms counts fully in each of them; "Shared with other arms" says how many of the arm\'s pretraining stages (and how much wall time) other arms also use.',
    ],
  };
}

function totalParagraph(data: ExperimentData): Block {
  const all = emptyTotals();
  const backends = new Set<string>();
  for (const s of data.stages) {
    const r = data.records.get(s.key);
    add(all, r);
    if (r?.done && r.backend && r.backend !== 'none') backends.add(r.backend);
  }
  return paragraph(
    `Whole experiment, each stage counted once: ${all.done} of ${all.stages} stages done, ${seconds(all.wall)} of stage wall time` +
      `${backends.size ? `, backend ${[...backends].join(', ')}` : ''}. Stages reused from earlier runs or other experiments count with the wall time of the run that produced them.`,
  );
}

export function computeSection(data: ExperimentData): Block[] {
  const usersByPoint = new Map(data.experiment.points.map((p) => [p, usersOf(data, p)]));
  const blocks: Block[] = [heading(2, 'Compute')];
  const stages = stageTable(data, usersByPoint);
  if (stages.rows.length > 0) blocks.push(stages);
  for (const point of data.experiment.points) blocks.push(armTable(data, point, usersByPoint.get(point) as Map<StageKey, string[]>));
  blocks.push(totalParagraph(data));
  return blocks;
}
