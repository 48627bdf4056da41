/** A stage's step curves (work/curves.jsonl): one JSON object of numbers per line, `step` in each. */
import { existsSync, readFileSync } from 'node:fs';

export type CurveRow = Record<string, number>;

/** Only the numeric fields of a JSON object. */
export function numericFields(x: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return out;
  for (const [k, v] of Object.entries(x)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

/** Blank or malformed lines (a line cut short by a crash) and rows without a step are skipped. */
export function readCurvesFile(path: string): CurveRow[] {
  if (!existsSync(path)) return [];
  const rows: CurveRow[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    const row = numericFields(parsed);
    if (typeof row['step'] === 'number') rows.push(row);
  }
  return rows;
}
