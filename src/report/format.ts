/** How numbers read in the report: scores ×100 with one decimal like the paper, p-values, durations, counts. */
import type { Summary } from './types.ts';

/** A score in [0, 1] as the paper prints it (×100, one decimal). */
export function score(x: number): string {
  return (x * 100).toFixed(1);
}

/** A difference of scores, signed, ×100. */
export function delta(x: number): string {
  const s = (x * 100).toFixed(1);
  return x >= 0 && !s.startsWith('-') ? `+${s}` : s;
}

/** `84.2 ± 0.7 (5/5)`: mean ± sample std over the seeds that have a value, of the seeds planned. */
export function meanStd(s: Summary | undefined, planned: number): string {
  if (!s || s.n === 0 || s.mean === null) return `— (0/${planned})`;
  const spread = s.std === null ? '' : ` ± ${score(s.std)}`;
  return `${score(s.mean)}${spread} (${s.n}/${planned})`;
}

export function pValue(p: number): string {
  if (p < 0.001) return '<0.001';
  return p.toFixed(3);
}

export function stat(x: number, digits = 2): string {
  return x.toFixed(digits);
}

export function seconds(s: number | undefined): string {
  if (s === undefined) return '—';
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${m - h * 60} min`;
}

/** Steps and tokens: exact below 10k, else with a k/M/B suffix. */
export function count(n: number | undefined): string {
  if (n === undefined) return '—';
  if (Math.abs(n) < 10_000) return String(Math.round(n));
  for (const [div, suffix] of [[1e9, 'B'], [1e6, 'M'], [1e3, 'k']] as const) {
    if (Math.abs(n) >= div) return `${(n / div).toFixed(n / div < 100 ? 1 : 0)}${suffix}`;
  }
  return String(n);
}

export function seedList(seeds: readonly number[]): string {
  return seeds.length === 0 ? 'none' : seeds.join(', ');
}
