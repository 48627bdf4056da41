/**
 * The statistics behind the report: mean, sample std, paired t-test (Student-t CDF from jstat)
 * and the exact Wilcoxon signed-rank test. Pure functions over plain numbers.
 */
import { createRequire } from 'node:module';
import type { PairedTest, WilcoxonTest } from './types.ts';

// jstat ships no type declarations; type only the one function used.
interface JStat {
  studentt: { cdf(x: number, dof: number): number };
}
const { jStat } = createRequire(import.meta.url)('jstat') as { jStat: JStat };

export function mean(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (divides by n − 1); null when n < 2. */
export function sampleStd(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs) as number;
  let ss = 0;
  for (const x of xs) ss += (x - m) * (x - m);
  return Math.sqrt(ss / (xs.length - 1));
}

/** Two-sided p-value of a Student-t statistic. Uses the lower tail directly to keep precision for large |t|. */
export function studentTTwoSidedP(t: number, df: number): number {
  return Math.min(1, 2 * jStat.studentt.cdf(-Math.abs(t), df));
}

/**
 * Paired t-test of a[i] − b[i]. Returns null with the reason when it cannot be computed:
 * fewer than two pairs, or differences that are all equal (zero variance: t is undefined).
 */
export function pairedTTest(a: readonly number[], b: readonly number[]): { test: PairedTest } | { test: null; note: string } {
  if (a.length !== b.length) throw new RangeError(`paired test needs equal lengths (${a.length} vs ${b.length})`);
  const n = a.length;
  if (n < 2) return { test: null, note: 'n<2: no test' };
  const d = a.map((x, i) => x - (b[i] as number));
  const meanDiff = mean(d) as number;
  const sdDiff = sampleStd(d) as number;
  if (!(sdDiff > 0)) return { test: null, note: 'differences are all equal (std 0): no test' };
  const t = meanDiff / (sdDiff / Math.sqrt(n));
  const df = n - 1;
  return { test: { n, meanDiff, sdDiff, t, df, p: studentTTwoSidedP(t, df) } };
}

/** Average ranks (1-based) of the values, ties sharing the mean of their positions. */
function averageRanks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => ({ x, i })).sort((p, q) => p.x - q.x);
  const ranks = new Array<number>(xs.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && (order[end + 1] as { x: number }).x === (order[start] as { x: number }).x) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[(order[k] as { i: number }).i] = rank;
    start = end + 1;
  }
  return ranks;
}

/** Exact enumeration is 2^n sign assignments; beyond this the test is skipped rather than approximated. */
export const WILCOXON_MAX_EXACT = 20;

/**
 * Exact Wilcoxon signed-rank test of a[i] − b[i] (zero differences dropped, tied |d| get average
 * ranks, the null distribution enumerated over all sign assignments of those ranks).
 */
export function wilcoxonSignedRank(a: readonly number[], b: readonly number[]): { test: WilcoxonTest } | { test: null; note: string } {
  if (a.length !== b.length) throw new RangeError(`paired test needs equal lengths (${a.length} vs ${b.length})`);
  const d = a.map((x, i) => x - (b[i] as number)).filter((x) => x !== 0);
  const n = d.length;
  if (n === 0) return { test: null, note: 'all differences are 0: no Wilcoxon test' };
  if (n > WILCOXON_MAX_EXACT) return { test: null, note: `n>${WILCOXON_MAX_EXACT}: exact Wilcoxon skipped` };
  const ranks = averageRanks(d.map(Math.abs));
  let wPlus = 0;
  d.forEach((x, i) => {
    if (x > 0) wPlus += ranks[i] as number;
  });
  const total = ranks.reduce((s, r) => s + r, 0);
  // The null distribution is symmetric about total/2; count assignments at least as far out.
  const distance = Math.abs(wPlus - total / 2);
  const eps = 1e-9;
  let extreme = 0;
  const count = 2 ** n;
  for (let mask = 0; mask < count; mask++) {
    let w = 0;
    for (let i = 0; i < n; i++) if (mask & (1 << i)) w += ranks[i] as number;
    if (Math.abs(w - total / 2) >= distance - eps) extreme++;
  }
  return { test: { n, wPlus, p: Math.min(1, extreme / count) } };
}
