/**
 * The statistics behind the report: mean, sample std, paired t-test (Student-t CDF from jstat),
 * its power and minimum detectable effect (noncentral t), and the exact Wilcoxon signed-rank
 * test. Pure functions over plain numbers.
 */
import { createRequire } from 'node:module';
import type { PairedTest, WilcoxonTest } from './types.ts';

// jstat ships no type declarations; type only the functions used.
interface JStat {
  studentt: { cdf(x: number, dof: number): number; inv(p: number, dof: number): number };
  noncentralt: { cdf(x: number, dof: number, ncp: number): number };
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

/** Power of the two-sided paired t-test with n pairs against a standardised effect d (= Δ / sd of the differences). */
export function pairedTPower(n: number, d: number, alpha = 0.05): number {
  const df = n - 1;
  const critical = jStat.studentt.inv(1 - alpha / 2, df);
  const ncp = d * Math.sqrt(n);
  return 1 - jStat.noncentralt.cdf(critical, df, ncp) + jStat.noncentralt.cdf(-critical, df, ncp);
}

/**
 * The smallest standardised effect the two-sided paired t-test with n pairs detects with the
 * given power (Cohen's d_z), found by bisection on the exact noncentral-t power; null below 2 pairs.
 */
export function minimumDetectableStandardisedEffect(n: number, alpha = 0.05, power = 0.8): number | null {
  if (n < 2) return null;
  let lo = 0;
  let hi = 1;
  while (pairedTPower(n, hi, alpha) < power) {
    hi *= 2;
    if (hi > 1e4) return null;
  }
  for (let i = 0; i < 100 && hi - lo > 1e-10 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (pairedTPower(n, mid, alpha) < power) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Minimum detectable effect of a paired design in the metric's units: d_z × the observed sd of the differences. */
export function minimumDetectableEffect(n: number, sdDiff: number, alpha = 0.05, power = 0.8): number | null {
  const d = minimumDetectableStandardisedEffect(n, alpha, power);
  return d === null ? null : d * sdDiff;
}

/** The smallest two-sided p the exact Wilcoxon signed-rank test can give with n non-zero pairs. */
export function wilcoxonSmallestP(n: number): number {
  return Math.min(1, 2 / 2 ** n);
}
