/**
 * A sweep section to its points: the product of explicit points, grid axes and the zipped lists
 * (or N random samples), each with the overrides it applies and a readable, filesystem-safe,
 * unique name.
 */
import { createHash } from 'node:crypto';
import type { DocPath } from '../paths.ts';
import { list, num, rec } from '../view.ts';
import { mulberry32, sample } from './random.ts';

export interface Override {
  /** Dotted path in the document. */
  path: string;
  value: unknown;
  /** Where the value is written in the sweep section (errors it causes are reported there). */
  source: DocPath;
}

export interface PointDraft {
  name: string;
  overrides: Override[];
}

interface Entry {
  label: string;
  overrides: Override[];
}

/** How many points a sweep section expands to, without building them. */
export function countPoints(sweep: unknown): number {
  const s = rec(sweep);
  if (s.random !== undefined) return num(rec(s.random).samples) ?? 0;
  let n = 1;
  for (const values of Object.values(rec(s.grid))) n *= list(values).length;
  const zip = Object.values(rec(s.zip));
  if (zip.length > 0) n *= list(zip[0]).length;
  if (s.points !== undefined) n *= Object.keys(rec(s.points)).length;
  return n;
}

function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e6) return String(n);
  if (n !== 0 && (Math.abs(n) < 1e-3 || Math.abs(n) >= 1e6)) return n.toExponential().replace('e+', 'e');
  return String(n);
}

/** `0.3`, `1e-5`, `linear-0.15-0.05`, `1+2+3`: short text for a swept value (keys only at the top). */
export function formatValue(v: unknown, top = true): string {
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map((x) => formatValue(x, false)).join('+');
  const entries = Object.entries(v as Record<string, unknown>);
  if (top && entries.length === 1) {
    const [k, inner] = entries[0]!;
    return `${k}-${formatValue(inner, false)}`;
  }
  return entries.map(([, inner]) => formatValue(inner, false)).join('-');
}

/** For each path, its shortest dotted suffix that no other path shares. */
function shortLabels(paths: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of paths) {
    const segs = p.split('.');
    let n = 1;
    while (n < segs.length && paths.some((o) => o !== p && o.split('.').slice(-n).join('.') === segs.slice(-n).join('.'))) n++;
    out.set(p, segs.slice(-n).join('.'));
  }
  return out;
}

function safeName(raw: string): string {
  const cleaned = raw.replace(/[^A-Za-z0-9._=,+-]+/g, '_').replace(/^[._-]+/, '') || 'point';
  if (cleaned.length <= 120) return cleaned;
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 8);
  return `${cleaned.slice(0, 100)}_${hash}`;
}

function product(axes: Entry[][]): Entry[] {
  let acc: Entry[] = [{ label: '', overrides: [] }];
  for (const axis of axes) {
    const next: Entry[] = [];
    for (const a of acc) for (const e of axis) next.push({ label: a.label ? `${a.label},${e.label}` : e.label, overrides: [...a.overrides, ...e.overrides] });
    acc = next;
  }
  return acc;
}

/** The points of a (validated) sweep section; `[{name: 'default'}]` when there is none. */
export function expandSweep(sweep: unknown): PointDraft[] {
  if (sweep === undefined || sweep === null) return [{ name: 'default', overrides: [] }];
  const s = rec(sweep);
  const grid = Object.entries(rec(s.grid));
  const zip = Object.entries(rec(s.zip));
  const space = Object.entries(rec(rec(s.random).space));
  const allPaths = [...grid.map(([p]) => p), ...zip.map(([p]) => p), ...space.map(([p]) => p)];
  const label = shortLabels(allPaths);
  const pair = (path: string, value: unknown) => `${label.get(path) ?? path}=${formatValue(value)}`;

  let entries: Entry[];
  if (s.random !== undefined) {
    const r = rec(s.random);
    const next = mulberry32(num(r.seed) ?? 0);
    entries = [];
    for (let i = 0; i < (num(r.samples) ?? 0); i++) {
      const overrides = space.map(([path, dist]) => ({ path, value: sample(rec(dist), next), source: ['sweep', 'random', 'space', path] as DocPath }));
      entries.push({ label: overrides.map((o) => pair(o.path, o.value)).join(','), overrides });
    }
  } else {
    const axes: Entry[][] = [];
    if (s.points !== undefined) {
      axes.push(Object.entries(rec(s.points)).map(([name, sets]) => ({
        label: name,
        overrides: Object.entries(rec(sets)).map(([path, value]) => ({ path, value, source: ['sweep', 'points', name, path] as DocPath })),
      })));
    }
    for (const [path, values] of grid) {
      axes.push(list(values).map((value, i) => ({ label: pair(path, value), overrides: [{ path, value, source: ['sweep', 'grid', path, i] as DocPath }] })));
    }
    if (zip.length > 0) {
      const n = list(zip[0]![1]).length;
      const rows: Entry[] = [];
      for (let i = 0; i < n; i++) {
        const overrides = zip.map(([path, values]) => ({ path, value: list(values)[i], source: ['sweep', 'zip', path, i] as DocPath }));
        rows.push({ label: overrides.map((o) => pair(o.path, o.value)).join(','), overrides });
      }
      axes.push(rows);
    }
    entries = product(axes);
  }

  const used = new Set<string>();
  return entries.map((e) => {
    const base = safeName(e.label || 'default');
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    return { name, overrides: e.overrides };
  });
}
