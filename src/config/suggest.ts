/** "Did you mean": the closest known name to a misspelt one, if it is close enough to be a typo. */
import { closest, distance } from 'fastest-levenshtein';

export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const pool = [...new Set(candidates)].filter((c) => c !== name);
  if (pool.length === 0 || name.length === 0) return undefined;
  const lower = name.toLowerCase();
  const caseOnly = pool.find((c) => c.toLowerCase() === lower);
  if (caseOnly) return caseOnly;
  // fastest-levenshtein counts a swap of two neighbours (`dpat`) as two edits; it is one slip.
  for (let i = 0; i + 1 < lower.length; i++) {
    const swapped = lower.slice(0, i) + lower[i + 1] + lower[i] + lower.slice(i + 2);
    const hit = pool.find((c) => c.toLowerCase() === swapped);
    if (hit) return hit;
  }
  const best = closest(lower, pool.map((c) => c.toLowerCase()));
  const match = pool.find((c) => c.toLowerCase() === best);
  if (match === undefined) return undefined;
  // Allow about one edit per three characters (at least 1, at most 3): typos, not different words.
  const budget = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  if (distance(lower, best) <= budget) return match;
  // A prefix or suffix of a longer name (`bio` for `biomed`) is also a likely slip.
  if (name.length >= 3 && (match.toLowerCase().startsWith(lower) || lower.startsWith(match.toLowerCase()))) return match;
  return undefined;
}
