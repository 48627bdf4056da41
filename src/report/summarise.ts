/**
 * Seed-level results → per-cell summaries (mean ± sample std) and paired comparisons of every arm
 * with the baseline over the seeds both have. Pure.
 */
import { mean, minimumDetectableEffect, pairedTTest, sampleStd, wilcoxonSignedRank } from './stats.ts';
import type { CellResult, Comparison, Split, Summary } from './types.ts';

export const SPLITS: readonly Split[] = ['dev', 'test'];

function uniqueInOrder(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

/** seed → value for the usable results of one (point, arm, task, split). */
export function seedValues(cells: readonly CellResult[], point: string, arm: string, task: string, split: Split): Map<number, number> {
  const out = new Map<number, number>();
  for (const c of cells) {
    if (c.point !== point || c.arm !== arm || c.task !== task) continue;
    const v = c[split];
    if ((c.status === 'done' || c.status === 'dev-only') && v !== null) out.set(c.seed, v);
  }
  return new Map([...out].sort((a, b) => a[0] - b[0]));
}

export function summarise(cells: readonly CellResult[]): Summary[] {
  const out: Summary[] = [];
  const groups = uniqueInOrder(cells.map((c) => JSON.stringify([c.point, c.arm, c.task])));
  for (const g of groups) {
    const [point, arm, task] = JSON.parse(g) as [string, string, string];
    const metric = cells.find((c) => c.point === point && c.arm === arm && c.task === task)!.metric;
    for (const split of SPLITS) {
      const byseed = seedValues(cells, point, arm, task, split);
      const values = [...byseed.values()];
      out.push({ point, arm, task, split, metric, seeds: [...byseed.keys()], values, n: values.length, mean: mean(values), std: sampleStd(values) });
    }
  }
  return out;
}

export function compare(cells: readonly CellResult[], baseline: string): Comparison[] {
  const out: Comparison[] = [];
  const groups = uniqueInOrder(cells.filter((c) => c.arm !== baseline).map((c) => JSON.stringify([c.point, c.arm, c.task])));
  for (const g of groups) {
    const [point, arm, task] = JSON.parse(g) as [string, string, string];
    for (const split of SPLITS) {
      const ours = seedValues(cells, point, arm, task, split);
      const base = seedValues(cells, point, baseline, task, split);
      const shared = [...ours.keys()].filter((s) => base.has(s));
      const seedsDiffer = shared.length !== ours.size || shared.length !== base.size;
      const a = shared.map((s) => ours.get(s) as number);
      const b = shared.map((s) => base.get(s) as number);
      const t = pairedTTest(a, b);
      const w = shared.length >= 2 ? wilcoxonSignedRank(a, b) : { test: null };
      out.push({
        point,
        arm,
        baseline,
        task,
        split,
        sharedSeeds: shared,
        seedsDiffer,
        meanDiff: mean(a.map((x, i) => x - (b[i] as number))),
        ttest: t.test,
        mde: t.test === null ? null : minimumDetectableEffect(t.test.n, t.test.sdDiff),
        wilcoxon: w.test,
        note: t.test ? null : t.note,
      });
    }
  }
  return out;
}
