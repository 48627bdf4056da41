/** Rules on the sweep section (checked once, on the file as written). */
import type { RawIssue, Rule } from '../issues.ts';
import { countPoints } from '../sweep/expand.ts';
import { checkSweepPath } from '../sweep/paths.ts';
import type { DocPath } from '../paths.ts';
import { isRecord, list, num, rec } from '../view.ts';

/** Most points a sweep may have; beyond this the plan would not fit in memory anyway. */
export const MAX_SWEEP_POINTS = 100_000;

function sweepPaths(doc: unknown): Array<{ path: string; at: DocPath; axis: string }> {
  const s = rec(rec(doc).sweep);
  const out: Array<{ path: string; at: DocPath; axis: string }> = [];
  for (const p of Object.keys(rec(s.grid))) out.push({ path: p, at: ['sweep', 'grid', p], axis: 'grid' });
  for (const p of Object.keys(rec(s.zip))) out.push({ path: p, at: ['sweep', 'zip', p], axis: 'zip' });
  for (const [name, sets] of Object.entries(rec(s.points))) for (const p of Object.keys(rec(sets))) out.push({ path: p, at: ['sweep', 'points', name, p], axis: 'points' });
  for (const p of Object.keys(rec(rec(s.random).space))) out.push({ path: p, at: ['sweep', 'random', 'space', p], axis: 'random' });
  return out;
}

/** Every swept path names a field this file can have (and a declared corpus/task/arm/phase on the way). */
export const sweepPathsExist: Rule = {
  name: 'sweepPathsExist',
  check(doc) {
    const out: RawIssue[] = [];
    for (const { path, at } of sweepPaths(doc)) {
      const r = checkSweepPath(path, doc);
      if (r.ok) continue;
      const issue: RawIssue = { code: r.code, path: at, at: 'key', message: r.message, found: path };
      if (r.expected !== undefined) issue.expected = r.expected;
      if (r.suggestion !== undefined) issue.suggestion = r.suggestion;
      out.push(issue);
    }
    return out;
  },
};

/** Zipped lists advance together, so they have the same length. */
export const zipListsEqualLength: Rule = {
  name: 'zipListsEqualLength',
  check(doc) {
    const zip = Object.entries(rec(rec(rec(doc).sweep).zip)).filter(([, v]) => Array.isArray(v));
    if (zip.length < 2) return [];
    const [firstPath, firstValues] = zip[0]!;
    const n = list(firstValues).length;
    return zip.slice(1).filter(([, v]) => list(v).length !== n).map(([p, v]) => ({
      code: 'sweep-zip-length',
      path: ['sweep', 'zip', p],
      message: `zipped lists must have the same length: "${p}" has ${list(v).length} values, "${firstPath}" has ${n}`,
      expected: `${n} values`,
      found: `${list(v).length} values`,
    }));
  },
};

/** Random search stands alone: it cannot be combined with grid, zip or points. */
export const randomExcludesOthers: Rule = {
  name: 'randomExcludesOthers',
  check(doc) {
    const s = rec(rec(doc).sweep);
    if (s.random === undefined) return [];
    return ['grid', 'zip', 'points'].filter((k) => s[k] !== undefined).map((k) => ({
      code: 'sweep-random-exclusive',
      path: ['sweep', k],
      at: 'key' as const,
      message: `random search cannot be combined with ${k}: use either random or grid/zip/points`,
      expected: 'random alone',
      found: `random and ${k}`,
    }));
  },
};

/** No field is set by two sweep axes (which one would win?). */
export const sweepPathsDistinct: Rule = {
  name: 'sweepPathsDistinct',
  check(doc) {
    const out: RawIssue[] = [];
    const all = sweepPaths(doc);
    const reported = new Set<string>();
    for (let i = 0; i < all.length; i++) {
      for (let j = 0; j < i; j++) {
        const a = all[i]!;
        const b = all[j]!;
        if (a.axis === 'points' && b.axis === 'points') continue; // each named point is separate
        const overlap = a.path === b.path || a.path.startsWith(`${b.path}.`) || b.path.startsWith(`${a.path}.`);
        if (!overlap || reported.has(a.at.join('\u0000'))) continue;
        reported.add(a.at.join('\u0000'));
        out.push({ code: 'sweep-overlapping-paths', path: a.at, at: 'key', message: `"${a.path}" (${a.axis}) and "${b.path}" (${b.axis}) set the same field; sweep it on one axis only`, found: a.path });
      }
    }
    return out;
  },
};

/** Random-search ranges are ordered (and positive for log_uniform). */
export const randomRangesValid: Rule = {
  name: 'randomRangesValid',
  check(doc) {
    const out: RawIssue[] = [];
    for (const [p, dist] of Object.entries(rec(rec(rec(rec(doc).sweep).random).space))) {
      if (!isRecord(dist)) continue;
      for (const kind of ['uniform', 'log_uniform', 'int_uniform']) {
        const r = dist[kind];
        if (!Array.isArray(r) || r.length !== 2) continue;
        const lo = num(r[0]);
        const hi = num(r[1]);
        if (lo === undefined || hi === undefined) continue;
        const bad = kind === 'int_uniform' ? lo > hi : lo >= hi;
        if (bad) out.push({ code: 'sweep-bad-range', path: ['sweep', 'random', 'space', p, kind], message: `${kind} needs [low, high] with low ${kind === 'int_uniform' ? '<=' : '<'} high`, expected: 'an increasing pair', found: `[${lo}, ${hi}]` });
        else if (kind === 'log_uniform' && lo <= 0) out.push({ code: 'sweep-bad-range', path: ['sweep', 'random', 'space', p, kind], message: 'log_uniform needs a positive range', expected: 'low > 0', found: String(lo) });
      }
    }
    return out;
  },
};

/** The sweep stays plannable. */
export const sweepIsBounded: Rule = {
  name: 'sweepIsBounded',
  check(doc) {
    const sweep = rec(doc).sweep;
    if (!isRecord(sweep)) return [];
    const n = countPoints(sweep);
    if (n <= MAX_SWEEP_POINTS) return [];
    return [{ code: 'sweep-too-large', path: ['sweep'], at: 'key', message: `the sweep expands to ${n.toLocaleString('en')} points; the limit is ${MAX_SWEEP_POINTS.toLocaleString('en')}`, expected: `at most ${MAX_SWEEP_POINTS}`, found: String(n) }];
  },
};
