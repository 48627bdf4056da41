/**
 * Sweep plots: the swept value (mask ratio, schedule, warm-up … — whatever the points vary) against
 * each task's dev score and against the held-out perplexity of each arm's final pretrained model.
 */
import type { StageKey } from '../../plan/types.ts';
import { renderChart } from '../charts/render.ts';
import { type SweepRow, sweepSpec } from '../charts/specs.ts';
import type { ExperimentData } from '../collect.ts';
import { type Block, heading, slug } from '../document.ts';

export interface SweepAxis {
  title: string;
  type: 'quantitative' | 'ordinal';
  /** Point name → x value. */
  value: Map<string, number | string>;
}

/**
 * Points named `field=number` with one shared field (how the config names generated points) get a
 * numeric axis; any other naming is shown as ordered categories.
 */
export function sweepAxis(points: readonly string[]): SweepAxis {
  const parsed = points.map((p) => /^([^=,]+)=([^=,]+)$/.exec(p));
  const fields = new Set(parsed.map((m) => m?.[1]));
  if (parsed.every((m) => m && Number.isFinite(Number(m[2]))) && fields.size === 1) {
    return { title: [...fields][0] as string, type: 'quantitative', value: new Map(points.map((p, i) => [p, Number(parsed[i]?.[2])])) };
  }
  return { title: 'sweep point', type: 'ordinal', value: new Map(points.map((p) => [p, p])) };
}

function devRows(data: ExperimentData, axis: SweepAxis, task: string): SweepRow[] {
  const rows: SweepRow[] = [];
  for (const s of data.summaries) {
    if (s.task !== task || s.split !== 'dev' || s.mean === null) continue;
    const row: SweepRow = { series: s.arm, x: axis.value.get(s.point) as number | string, y: s.mean * 100 };
    if (s.std !== null) Object.assign(row, { lo: (s.mean - s.std) * 100, hi: (s.mean + s.std) * 100 });
    rows.push(row);
  }
  return rows;
}

/** Held-out perplexity of the model each (point, arm, task) was fine-tuned from, one row per distinct model. */
function perplexityRows(data: ExperimentData, axis: SweepAxis): SweepRow[] {
  const byKey = new Map(data.stages.map((s) => [s.key, s]));
  const seen = new Set<StageKey>();
  const found: Array<{ point: string; arm: string; task: string; ppl: number }> = [];
  for (const c of data.cells) {
    const ft = byKey.get(c.finetune.stage);
    if (ft?.kind !== 'finetune' || ft.params.init.from !== 'stage') continue;
    const model = ft.params.init.stage;
    const ppl = data.records.get(model)?.metrics['heldout_perplexity'];
    if (seen.has(model) || ppl === undefined) continue;
    seen.add(model);
    found.push({ point: c.point, arm: c.arm, task: c.task, ppl });
  }
  // Arms whose final model depends on the task (TAPT) get one line per task.
  const perTask = new Set(found.filter((f, _, all) => all.some((g) => g.point === f.point && g.arm === f.arm && g.task !== f.task)).map((f) => f.arm));
  return found.map((f) => ({ series: perTask.has(f.arm) ? `${f.arm} (${f.task})` : f.arm, x: axis.value.get(f.point) as number | string, y: f.ppl }));
}

export async function sweepSection(data: ExperimentData): Promise<Block[]> {
  const points = data.experiment.points;
  if (points.length < 2) return [];
  const axis = sweepAxis(points);
  const common = { xTitle: axis.title, xType: axis.type, xOrder: points.map((p) => String(axis.value.get(p))) };
  const seriesOrder = data.experiment.arms;
  const blocks: Block[] = [heading(2, 'Sweep')];
  for (const task of data.experiment.tasks) {
    const rows = devRows(data, axis, task);
    if (rows.length === 0) continue;
    const metric = data.cells.find((c) => c.task === task)?.metric ?? 'metric';
    const id = `sweep-dev-${slug(task)}`;
    const svg = await renderChart(sweepSpec({ ...common, title: `${task}: dev ${metric} by ${axis.title}`, yTitle: `dev ${metric} ×100`, seriesOrder, rows }), id);
    blocks.push({ kind: 'figure', id, svg, caption: `Dev ${metric} on ${task} (mean over seeds, bars ± sample std) at each sweep point.` });
  }
  const ppl = perplexityRows(data, axis);
  if (ppl.length > 0) {
    const id = 'sweep-perplexity';
    const svg = await renderChart(sweepSpec({ ...common, title: `Held-out perplexity by ${axis.title}`, yTitle: 'held-out perplexity', rows: ppl }), id);
    blocks.push({
      kind: 'figure',
      id,
      svg,
      caption: "Held-out MLM perplexity each arm's final pretraining stage measured on its own held-out documents, at each sweep point (compare within an arm: arms hold out different text).",
    });
  }
  return blocks;
}
