/**
 * The main tables: arms × tasks (mean ± sample std over seeds, dev and test, paper targets beside
 * ours) and the paired comparisons with the baseline; plus which cells are missing and which
 * seeds were resampled or dropped.
 */
import type { PaperTarget } from '../../config/types.ts';
import type { ExperimentData } from '../collect.ts';
import { type Block, type TableBlock, heading, list, paragraph, slug } from '../document.ts';
import { delta, meanStd, pValue, score, seedList, stat } from '../format.ts';
import { SPLITS } from '../summarise.ts';
import { WILCOXON_MIN_PAIRS } from '../verdicts.ts';
import type { CellResult, Comparison, Summary } from '../types.ts';

const SEEDS_DIFFER = '‡';
export const REFERENCE_ROW = 'reference (TF-IDF + LR)';

/** The reference row of the main table: one score per task and split, no spread (it is deterministic). */
function referenceRow(data: ExperimentData, point: string, tasks: readonly string[], withPaper: ReadonlySet<string>): string[] | null {
  const refs = data.references.filter((r) => r.point === point);
  if (refs.length === 0) return null;
  const row = [REFERENCE_ROW];
  for (const task of tasks) {
    const r = refs.find((x) => x.task === task);
    for (const split of SPLITS) row.push(r === undefined ? 'n/a' : r.score[split] === null ? '—' : score(r.score[split]!));
    if (withPaper.has(task)) row.push('');
  }
  return row;
}
const DEV_FROM_FINETUNE = '†';

/** Paper targets are declared in percent (the schema says so), like our ×100 scores. */
function paperTarget(t: PaperTarget | undefined): string {
  if (!t) return '';
  return `${t.mean.toFixed(1)}${t.std === null ? '' : ` ± ${t.std.toFixed(1)}`}`;
}

function find<T extends { point: string; arm: string; task: string; split: string }>(xs: readonly T[], point: string, arm: string, task: string, split: string): T | undefined {
  return xs.find((x) => x.point === point && x.arm === arm && x.task === task && x.split === split);
}

function cellsOf(data: ExperimentData, point: string, arm?: string, task?: string): CellResult[] {
  return data.cells.filter((c) => c.point === point && (arm === undefined || c.arm === arm) && (task === undefined || c.task === task));
}

export function pointTitle(data: ExperimentData, point: string): string {
  return data.experiment.points.length > 1 ? ` — point \`${point}\`` : '';
}

/** The arms × tasks table of one sweep point. */
export function resultsTable(data: ExperimentData, point: string): TableBlock {
  const { arms, tasks } = data.experiment;
  const targets = data.params.targets;
  const withPaper = new Set(tasks.filter((t) => arms.some((a) => targets[a]?.[t])));
  const header = ['Arm'];
  for (const t of tasks) header.push(`${t} dev`, `${t} test`, ...(withPaper.has(t) ? [`${t} paper`] : []));
  const differ = new Set(data.comparisons.filter((c) => c.point === point && c.seedsDiffer).map((c) => `${c.arm}\u0000${c.task}\u0000${c.split}`));
  let anyDiffer = false;
  let anyDevOnly = false;
  const rows = arms.map((arm) => {
    const row = [arm === data.params.baselineArm && arm !== 'baseline' ? `${arm} (baseline)` : arm];
    for (const task of tasks) {
      const planned = cellsOf(data, point, arm, task).length;
      for (const split of SPLITS) {
        if (planned === 0) {
          row.push('n/a');
          continue;
        }
        let text = meanStd(find<Summary>(data.summaries, point, arm, task, split), planned);
        if (differ.has(`${arm}\u0000${task}\u0000${split}`)) {
          text += SEEDS_DIFFER;
          anyDiffer = true;
        }
        if (split === 'dev' && cellsOf(data, point, arm, task).some((c) => c.status === 'dev-only')) {
          text += DEV_FROM_FINETUNE;
          anyDevOnly = true;
        }
        row.push(text);
      }
      if (withPaper.has(task)) row.push(paperTarget(targets[arm]?.[task]));
    }
    return row;
  });
  const reference = referenceRow(data, point, tasks, withPaper);
  if (reference !== null) rows.push(reference);
  const ranOut = data.convergence.filter((c) => c.point === point && c.ranOut > 0);
  const metrics = [...new Set(tasks.map((t) => data.cells.find((c) => c.task === t)?.metric).filter(Boolean))].join(', ');
  const notes = [
    `Mean ± sample standard deviation (n−1) over fine-tuning seeds of the task's metric (${metrics}) ×100; (n/N) = seeds with a result / seeds planned. n/a = the arm is not fine-tuned on the task.`,
  ];
  if (withPaper.size > 0) notes.push("paper = the paper's RoBERTa numbers (Gururangan et al., 2020) as declared in the experiment file, mean ± std; not produced by this run.");
  if (anyDiffer) notes.push(`${SEEDS_DIFFER} the seeds with a result differ from the baseline's, so the two means are over different seeds; the paired comparison below uses only the shared seeds.`);
  if (reference !== null) notes.push(`${REFERENCE_ROW} = the non-neural floor: TF-IDF over word n-grams + class-balanced logistic regression, C picked on dev; deterministic, so one number.`);
  if (ranOut.length > 0) {
    const which = ranOut.map((c) => `${c.arm} / ${c.task} ${c.ranOut} of ${c.runs}`).join('; ');
    notes.push(`Not converged (every epoch used, early stopping never ended the run; see "Fine-tuning convergence"): ${which}.`);
  }
  if (anyDevOnly) notes.push(`${DEV_FROM_FINETUNE} includes dev scores taken from the finetune stage (best epoch on dev) because its evaluate stage has not run yet.`);
  return { kind: 'table', id: `results-${slug(point)}`, caption: `Results${pointTitle(data, point)}`, header, rows, notes };
}

function testCells(c: Comparison): string[] {
  const t = c.ttest;
  const w = c.wilcoxon;
  return [
    t ? stat(t.t) : '—',
    t ? String(t.df) : '—',
    t ? pValue(t.p) : '—',
    w ? `${stat(w.wPlus, 1)} (n=${w.n})` : '—',
    // With fewer than 6 pairs the exact test cannot go below 0.0625: a p-value would only mislead.
    w ? (w.n < WILCOXON_MIN_PAIRS ? `n/a (n<${WILCOXON_MIN_PAIRS})` : pValue(w.p)) : '—',
  ];
}

/** Paired comparisons of every arm with the baseline on one point. */
export function deltasTable(data: ExperimentData, point: string): TableBlock {
  const rows = data.comparisons
    .filter((c) => c.point === point)
    .map((c) => [
      c.arm,
      c.task,
      c.split,
      c.meanDiff === null ? '—' : delta(c.meanDiff),
      c.mde == null ? '—' : `±${score(c.mde)}`,
      `${c.sharedSeeds.length} (${seedList(c.sharedSeeds)})${c.seedsDiffer ? ` ${SEEDS_DIFFER}` : ''}`,
      ...testCells(c),
      c.note ?? '',
    ]);
  return {
    kind: 'table',
    id: `deltas-${slug(point)}`,
    caption: `Differences from the baseline \`${data.params.baselineArm}\`${pointTitle(data, point)}`,
    header: ['Arm', 'Task', 'Split', 'Δ ×100', 'MDE ×100', 'Shared seeds', 't', 'df', 'p (t)', 'W+', 'p (W)', 'Note'],
    align: ['l', 'l', 'l', 'r', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'l'],
    rows,
    notes: [
      'Δ = mean over the shared seeds of (arm − baseline). MDE = the smallest |Δ| the paired t-test detects with power 0.8 at α = 0.05 (two-sided) ' +
        'at the observed spread of the differences (noncentral t); a |Δ| below it is within noise. t, df, p (t): paired t-test on those differences (Student-t, two-sided). ' +
        'W+, p (W): exact Wilcoxon signed-rank test (zero differences dropped, n = non-zero pairs, two-sided). ' +
        `The smallest two-sided Wilcoxon p with n pairs is 2/2^n, so with fewer than ${WILCOXON_MIN_PAIRS} pairs it cannot reach 0.05 and no p is printed (n/a). ${SEEDS_DIFFER} = the arm's seeds differ from the baseline's.`,
    ],
  };
}

function missingBlock(data: ExperimentData): Block[] {
  const missing = data.cells.filter((c) => c.status === 'missing' || c.status === 'dev-only');
  if (missing.length === 0) return [];
  const groups = new Map<string, { c: CellResult; seeds: number[]; devOnly: number[] }>();
  for (const c of missing) {
    const k = `${c.point}\u0000${c.arm}\u0000${c.task}`;
    const g = groups.get(k) ?? { c, seeds: [], devOnly: [] };
    (c.status === 'dev-only' ? g.devOnly : g.seeds).push(c.seed);
    groups.set(k, g);
  }
  const items = [...groups.values()].map(({ c, seeds, devOnly }) => {
    const where = `${c.arm} / ${c.task}${data.experiment.points.length > 1 ? ` (point ${c.point})` : ''}`;
    const parts = [];
    if (seeds.length) parts.push(`no result for seeds ${seedList(seeds)}`);
    if (devOnly.length) parts.push(`dev only (evaluate pending) for seeds ${seedList(devOnly)}`);
    return `${where}: ${parts.join('; ')}`;
  });
  const full = data.cells.filter((c) => c.status === 'done').length;
  return [
    heading(3, 'Missing results'),
    paragraph(`This is a partial report: ${full} of ${data.cells.length} planned (arm, task, seed) results are complete. Run \`dapt run\` to finish the rest.`),
    list(items),
  ];
}

function degenerateBlock(data: ExperimentData): Block[] {
  const resampled = data.cells.filter((c) => c.resamples > 0);
  const dropped = data.cells.filter((c) => c.status === 'dropped');
  const out: Block[] = [heading(3, 'Degenerate seeds')];
  if (resampled.length === 0 && dropped.length === 0) {
    out.push(paragraph('No fine-tuning seed was resampled or dropped as degenerate.'));
    return out;
  }
  const where = (c: CellResult) => `${c.arm} / ${c.task}${data.experiment.points.length > 1 ? ` (point ${c.point})` : ''}`;
  const items = [
    ...resampled.map((c) => `${where(c)} seed ${c.seed}: resampled ${c.resamples}×${c.seedUsed === null ? '' : `, final model trained with seed ${c.seedUsed}`}; the result is reported under seed ${c.seed}`),
    ...dropped.map((c) => `${where(c)} seed ${c.seed}: dropped (dev score at or below the degenerate threshold); excluded from means and tests`),
  ];
  out.push(list(items));
  return out;
}

export function resultsSection(data: ExperimentData): Block[] {
  const blocks: Block[] = [heading(2, 'Results')];
  for (const point of data.experiment.points) {
    blocks.push(resultsTable(data, point));
    if (data.experiment.arms.length > 1) blocks.push(deltasTable(data, point));
  }
  blocks.push(...missingBlock(data), ...degenerateBlock(data));
  return blocks;
}
