/** Issues before they are located in a file: what rules and the schema translator produce. */
import type { DocPath } from './paths.ts';

export interface RawIssue {
  code: string;
  path: DocPath;
  message: string;
  expected?: string;
  found?: string;
  suggestion?: string;
  /** Point at the key of the last path segment rather than at its value (unknown keys, bad names). */
  at?: 'key' | 'value';
}

/** A cross-field rule: a pure function of the raw document. Exported one by one for table tests. */
export interface Rule {
  name: string;
  check(doc: unknown): RawIssue[];
}

export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing (null)';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object') {
    const keys = Object.keys(v);
    return keys.length === 0 ? 'an empty mapping' : `a mapping with ${keys.map((k) => `"${k}"`).join(', ')}`;
  }
  if (typeof v === 'string') return `"${v.length > 60 ? `${v.slice(0, 57)}...` : v}"`;
  return String(v);
}
