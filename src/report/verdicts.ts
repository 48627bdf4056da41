/**
 * A verdict per claim of the paper and task (plan/claims.ts): the paired t-test over the shared
 * seeds on test decides — supported when the expected arm is significantly ahead, contradicted
 * when it is significantly behind, inconclusive otherwise — and every verdict carries the
 * minimum detectable effect of that design at the observed spread, so "inconclusive" says how
 * large a difference could have gone unseen. Pure.
 */
import type { ClaimSpec } from '../plan/types.ts';
import { mean, minimumDetectableEffect, pairedTTest, wilcoxonSmallestP } from './stats.ts';
import { seedValues } from './summarise.ts';
import { PROBE_POOLINGS, type CellResult, type ProbeResult, type Verdict, type VerdictKind } from './types.ts';

export const VERDICT_ALPHA = 0.05;
export const VERDICT_POWER = 0.8;
/** Below this many pairs the exact two-sided Wilcoxon test cannot reach p < 0.05 (2/2^5 = 0.0625). */
export const WILCOXON_MIN_PAIRS = 6;

function probeDelta(probes: readonly ProbeResult[], c: ClaimSpec, pooling: (typeof PROBE_POOLINGS)[number]): number | null {
  const of = (arm: string) => probes.find((p) => p.point === c.point && p.task === c.task && p.arm === arm)?.pooling[pooling].test ?? null;
  const better = of(c.better);
  const worse = of(c.worse);
  return better === null || worse === null ? null : better - worse;
}

export function judgeClaim(c: ClaimSpec, cells: readonly CellResult[], probes: readonly ProbeResult[]): Verdict {
  const better = seedValues(cells, c.point, c.better, c.task, 'test');
  const worse = seedValues(cells, c.point, c.worse, c.task, 'test');
  const shared = [...better.keys()].filter((s) => worse.has(s));
  const a = shared.map((s) => better.get(s)!);
  const b = shared.map((s) => worse.get(s)!);
  const t = pairedTTest(a, b);
  const test = t.test;
  const meanDiff = mean(a.map((x, i) => x - b[i]!));
  let verdict: VerdictKind = meanDiff === null ? 'no data' : 'inconclusive';
  if (test !== null && test.p < VERDICT_ALPHA) verdict = test.meanDiff > 0 ? 'supported' : 'contradicted';
  return {
    point: c.point,
    task: c.task,
    claim: c.claim,
    better: c.better,
    worse: c.worse,
    relation: c.relation,
    sharedSeeds: shared,
    meanDiff,
    ttest: test,
    mde: test === null ? null : minimumDetectableEffect(test.n, test.sdDiff, VERDICT_ALPHA, VERDICT_POWER),
    wilcoxonNote:
      shared.length >= 2 && shared.length < WILCOXON_MIN_PAIRS
        ? `with ${shared.length} pairs the exact two-sided Wilcoxon test cannot go below p = ${wilcoxonSmallestP(shared.length).toFixed(3)}, so it is not used for the verdict`
        : null,
    probe: Object.fromEntries(PROBE_POOLINGS.map((p) => [p, probeDelta(probes, c, p)])) as Verdict['probe'],
    verdict,
  };
}

export function judgeClaims(claims: readonly ClaimSpec[], cells: readonly CellResult[], probes: readonly ProbeResult[]): Verdict[] {
  return claims.map((c) => judgeClaim(c, cells, probes));
}
