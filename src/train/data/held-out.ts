/** Held-out documents for MLM evaluation: the last `fraction` of the documents, at most `maxDocs`. */
import type { HeldOutSpec } from '../../config/types.ts';

/** How many of `nDocs` documents (the last ones) are held out; at least one when the spec asks
 *  for any and there are two or more documents, and never all of them. */
export function heldOutCount(nDocs: number, spec: Pick<HeldOutSpec, 'fraction' | 'maxDocs'>): number {
  if (spec.fraction <= 0 || spec.maxDocs <= 0 || nDocs < 2) return 0;
  const n = Math.min(spec.maxDocs, Math.floor(nDocs * spec.fraction));
  return Math.min(nDocs - 1, Math.max(1, n));
}
