/**
 * Sweep plots: the swept value (mask ratio, schedule, warm-up … — whatever the points vary) against
 * each task's dev score and against the held-out perplexity of each arm's final pretrained model.
 */
import { renderChart } from '../charts/render.ts';
import { type SweepChart, type SweepRow, sweepSpec } from '../charts/specs.ts';
import type { ExperimentData } from '../collect.ts';
import { type Block, heading, slug } from '../document.ts';

export interface SweepAxis {
  title: string;
  type: 'quantitative' | 'ordinal';
  /** Point name → x value. */
  value: Map<string, number | string>;
  /** Point name → the other swept values (`schedule=linear-0.05`), shown as separate lines; null when one field is swept. */
  group: Map<string, string | null>;
}

/**
 * The x axis of sweep plots from point names. Points named `field=value,field=value` (how the
 * config names generated points) plot the first numeric field that varies on a numeric axis,
 * any other varying fields as separate lines; other names are shown as ordered categories.
 */
export function sweepAxis(points: readonly string[]): SweepAxis {
  const parsed = points.map((p) => p.split(',').map((pair) => /^([^=]+)=(.+)$/.exec(pair)));
  const fields = parsed[0]?.map((m) => m?.[1]) ?? [];
  const wellFormed = fields.length > 0 && parsed.every((pairs) => pairs.length === fields.length && pairs.every((m, i) => m && m[1] === fields[i]));
  if (!wellFormed) {
    return { title: 'sweep point', type: 'ordinal', value: new Map(points.map((p) => [p, p])), group: new Map(points.map((p) => [p, null])) };
  }
  const valueOf = (pi: number, fi: number) => (parsed[pi]![fi] as RegExpExecArray)[2] as string;
  const varying = fields.map((_, fi) => new Set(points.map((_, pi) => valueOf(pi, fi))).size > 1);
  const numeric = fields.map((_, fi) => points.every((_, pi) => Number.isFinite(Number(valueOf(pi, fi)))));
  let xi = fields.findIndex((_, fi) => varying[fi] && numeric[fi]);
  const quantitative = xi >= 0;
  if (!quantitative) xi = Math.max(0, varying.indexOf(true));
  const value = new Map<string, number | string>();
  const group = new Map<string, string | null>();
  points.forEach((p, pi) => {
    const raw = valueOf(pi, xi);
    value.set(p, quantitative ? Number(raw) : raw);
    const others = fields.flatMap((f, fi) => (fi !== xi && varying[fi] ? [`${f}=${valueOf(pi, fi)}`] : []));
    group.set(p, others.length ? others.join(',') : null);
  });
  return { title: fields[xi] as string, type: quantitative ? 'quantitative' : 'ordinal', value, group };
}

const seriesName = (axis: SweepAxis, point: string, name: string): string => {
  const g = axis.group.get(point);
  return g ? `${name} (${g})` : name;
};

function devRows(data: ExperimentData, axis: SweepAxis, task: string): SweepRow[] {
  const rows: SweepRow[] = [];
  for (const s of data.summaries) {
    if (s.task !== task || s.split !== 'dev' || s.mean === null) continue;
    const row: SweepRow = { series: seriesName(axis, s.point, s.arm), x: axis.value.get(s.point) as number | string, y: s.mean * 100 };
    if (s.std !== null) Object.assign(row, { lo: (s.mean - s.std) * 100, hi: (s.mean + s.std) * 100 });
    rows.push(row);
  }
  return rows;
}

/**
 * Held-out perplexity of the model each (point, arm, task) was fine-tuned from, as its final
 * pretraining stage measured it (with its own masking and held-out text). The fallback when no
 * MLM evaluation was planned.
 */
function stagePerplexityRows(data: ExperimentData, axis: SweepAxis): SweepRow[] {
  const byKey = new Map(data.stages.map((s) => [s.key, s]));
  const seen = new Set<string>();
  const found: Array<{ point: string; arm: string; task: string; ppl: number }> = [];
  for (const c of data.cells) {
    const ft = byKey.get(c.finetune.stage);
    if (ft?.kind !== 'finetune' || ft.params.init.from !== 'stage') continue;
    const model = ft.params.init.stage;
    const ppl = data.records.get(model)?.metrics['heldout_perplexity'];
    // Per point: a model shared by every point (the base) shows as a flat line.
    if (seen.has(`${c.point}\u0000${model}`) || ppl === undefined) continue;
    seen.add(`${c.point}\u0000${model}`);
    found.push({ point: c.point, arm: c.arm, task: c.task, ppl });
  }
  // Arms whose final model depends on the task (TAPT) get one line per task.
  const perTask = new Set(found.filter((f, _, all) => all.some((g) => g.point === f.point && g.arm === f.arm && g.task !== f.task)).map((f) => f.arm));
  return found.map((f) => ({ series: seriesName(axis, f.point, perTask.has(f.arm) ? `${f.arm} ${f.task}` : f.arm), x: axis.value.get(f.point) as number | string, y: f.ppl }));
}

/** MLM-evaluation perplexity on one corpus (one masking yardstick for every model), by point. */
function mlmPerplexityRows(data: ExperimentData, axis: SweepAxis, corpus: string): SweepRow[] {
  return data.mlm
    .filter((m) => m.corpus === corpus && m.perplexity !== null && m.status === 'done')
    .map((m) => ({ series: seriesName(axis, m.point, m.task === null ? m.model : `${m.model} ${m.task}`), x: axis.value.get(m.point) as number | string, y: m.perplexity as number }));
}

async function perplexityFigures(data: ExperimentData, axis: SweepAxis, common: Pick<SweepChart, 'xTitle' | 'xType' | 'xOrder'>): Promise<Block[]> {
  const blocks: Block[] = [];
  // Corpora where only the base model is scored do not change across points.
  const corpora = [...new Set(data.mlm.filter((m) => m.model !== 'base').map((m) => m.corpus))];
  for (const corpus of corpora) {
    const rows = mlmPerplexityRows(data, axis, corpus);
    if (rows.length === 0) continue;
    const id = `sweep-perplexity-${slug(corpus)}`;
    const svg = await renderChart(sweepSpec({ ...common, title: `Held-out perplexity on ${corpus} by ${axis.title}`, yTitle: 'perplexity', rows }), id);
    blocks.push({
      kind: 'figure', id, svg,
      caption: `Held-out MLM perplexity on ${corpus} of the base model and each arm's final model at each sweep point, all scored with the same masking (see the MLM table), from the MLM evaluate stages.`,
    });
  }
  if (blocks.length > 0) return blocks;
  const rows = stagePerplexityRows(data, axis);
  if (rows.length === 0) return [];
  const id = 'sweep-perplexity';
  const svg = await renderChart(sweepSpec({ ...common, title: `Held-out perplexity by ${axis.title}`, yTitle: 'held-out perplexity', rows }), id);
  return [{
    kind: 'figure', id, svg,
    caption: "Held-out MLM perplexity each arm's final pretraining stage measured on its own held-out documents with its own masking, at each sweep point. " +
      'Arms hold out different text, and a swept masking changes how the loss is measured: plan `mlm_evaluation` corpora for a like-for-like comparison.',
  }];
}

export async function sweepSection(data: ExperimentData): Promise<Block[]> {
  const points = data.experiment.points;
  if (points.length < 2) return [];
  const axis = sweepAxis(points);
  const common = { xTitle: axis.title, xType: axis.type, xOrder: [...new Set(points.map((p) => String(axis.value.get(p))))] };
  const grouped = points.some((p) => axis.group.get(p) !== null);
  const seriesOrder = grouped ? undefined : data.experiment.arms;
  const blocks: Block[] = [heading(2, 'Sweep')];
  for (const task of data.experiment.tasks) {
    const rows = devRows(data, axis, task);
    if (rows.length === 0) continue;
    const metric = data.cells.find((c) => c.task === task)?.metric ?? 'metric';
    const id = `sweep-dev-${slug(task)}`;
    const svg = await renderChart(sweepSpec({ ...common, title: `${task}: dev ${metric} by ${axis.title}`, yTitle: `dev ${metric} ×100`, ...(seriesOrder ? { seriesOrder } : {}), rows }), id);
    blocks.push({ kind: 'figure', id, svg, caption: `Dev ${metric} on ${task} (mean over seeds, bars ± sample std) at each sweep point.` });
  }
  blocks.push(...(await perplexityFigures(data, axis, common)));
  return blocks;
}
