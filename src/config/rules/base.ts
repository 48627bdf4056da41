/** The shape of `base:`, which the schema alone cannot say once `hub` may come with `revision`. */
import type { Rule } from '../issues.ts';
import { isRecord, rec } from '../view.ts';

const KINDS = ['checkpoint', 'hub', 'experiment', 'scratch'];

/** Exactly one kind of base; `revision` only next to `hub`. */
export const baseHasOneKind: Rule = {
  name: 'baseHasOneKind',
  check(doc) {
    const base = rec(doc).base;
    if (!isRecord(base)) return [];
    const kinds = Object.keys(base).filter((k) => KINDS.includes(k));
    if (kinds.length !== 1) {
      const keys = Object.keys(base);
      return [{ code: 'wrong-shape', path: ['base'], message: `base must have exactly one of ${KINDS.join(', ')}`, expected: `exactly one of: ${KINDS.join(', ')}`, found: keys.length === 0 ? 'an empty mapping' : `${keys.length} keys: ${keys.join(', ')}` }];
    }
    if (Object.hasOwn(base, 'revision') && kinds[0] !== 'hub') {
      return [{ code: 'wrong-shape', path: ['base', 'revision'], at: 'key', message: '`revision` belongs to a Hub base: `base: { hub: OWNER/NAME, revision: COMMIT }`', expected: 'hub next to revision' }];
    }
    return [];
  },
};
