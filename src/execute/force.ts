/** `--force KEY-PREFIX|KIND …`: which stages to re-run, dependents included. */
import { UsageError } from '../errors.ts';
import { STAGE_KINDS as kinds, type Plan, type StageKey } from '../plan/types.ts';

/**
 * The keys `--force` selects: stages whose kind is named or whose key starts with a given prefix,
 * plus everything downstream of them (their inputs change, so their results would be stale).
 * A pattern that matches nothing is a usage error: a typo must not silently re-use the cache.
 */
export function forcedStages(plan: Plan, patterns: readonly string[]): Set<StageKey> {
  const forced = new Set<StageKey>();
  for (const pattern of patterns) {
    const p = pattern.trim().toLowerCase();
    const isKind = (kinds as readonly string[]).includes(p);
    const matched = plan.stages.filter((s) => (isKind ? s.kind === p : p.length > 0 && s.key.startsWith(p)));
    if (matched.length === 0) {
      throw new UsageError(
        `--force ${pattern} matches no stage of the plan; give a stage kind (${kinds.join(', ')}) or a prefix of a stage key (see \`dapt plan\`)`,
      );
    }
    for (const s of matched) forced.add(s.key);
  }
  // Plan stages are topologically ordered, so one pass propagates to every descendant.
  for (const s of plan.stages) if (s.parents.some((k) => forced.has(k))) forced.add(s.key);
  return forced;
}
