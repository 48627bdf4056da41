/**
 * Reads finished stages from the store (`<store>/stages/<key>/`, layout in src/stages/types.ts):
 * metrics.json, the MLflow run recorded in spec.json, and work/curves.jsonl. Read-only.
 * A stage counts as done when its manifest.json exists (the executor writes it last, atomically);
 * re-hashing every model file here would make a report cost minutes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Stage, StageKey, StageKind } from '../plan/types.ts';
import type { StageMetricsFile } from '../stages/types.ts';
import { recordedRunSync } from '../track/recorded-run.ts';
import type { CurveRow, Provenance, StageRecord } from './types.ts';

export function stageDir(storeDir: string, key: StageKey): string {
  return join(storeDir, 'stages', key);
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function trackingOf(x: unknown): { runId: string; experimentId: string; uri: string | null } | null {
  if (!isRecord(x) || typeof x['runId'] !== 'string') return null;
  const experimentId = typeof x['experimentId'] === 'string' ? x['experimentId'] : '';
  return { runId: x['runId'], experimentId, uri: typeof x['uri'] === 'string' ? x['uri'] : null };
}

/**
 * The MLflow run that produced a stage: `producedBy` in manifest.json (set by the executor when
 * the stage finished under tracking), else `tracking` in spec.json (a stage still running). A run
 * made while MLflow was unreachable is named by its real id once `dapt sync` created it, and
 * shown as queued until then — never by its placeholder.
 */
export function readProvenance(dir: string, key: StageKey): Provenance {
  for (const [file, field] of [['manifest.json', 'producedBy'], ['spec.json', 'tracking']] as const) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    try {
      const doc = readJson(path);
      const run = trackingOf(isRecord(doc) ? doc[field] : null);
      if (!run) continue;
      // `<store>/stages/<key>/`: the outbox is `<store>/mlflow-outbox/`.
      const recorded = recordedRunSync(dirname(dirname(dir)), run);
      if (recorded.state === 'queued') return { stage: key, mlflowRunId: null, mlflowUri: run.uri, mlflowQueued: true };
      return { stage: key, mlflowRunId: recorded.runId, mlflowUri: run.uri };
    } catch {
      // An unreadable file only loses the link to MLflow; the stage's own state is checked elsewhere.
    }
  }
  return { stage: key, mlflowRunId: null, mlflowUri: null };
}

function numericRecord(x: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (!isRecord(x)) return out;
  for (const [k, v] of Object.entries(x)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

/** One stage's state from its directory. Never throws: an unreadable stage is reported through `problem`. */
export function readStageDir(dir: string, key: StageKey, kind: StageKind, title: string): StageRecord {
  const record: StageRecord = {
    key,
    kind,
    title,
    done: false,
    metrics: {},
    details: {},
    backend: null,
    provenance: readProvenance(dir, key),
    problem: null,
  };
  if (!existsSync(join(dir, 'manifest.json'))) return record;
  try {
    const file = readJson(join(dir, 'metrics.json')) as Partial<StageMetricsFile>;
    if (!isRecord(file)) throw new Error('not a JSON object');
    record.metrics = numericRecord(file.metrics);
    record.details = isRecord(file.details) ? file.details : {};
    record.backend = typeof file.backend === 'string' ? file.backend : null;
    record.done = true;
  } catch (e) {
    record.problem = `metrics.json of finished stage ${key} is unreadable (${(e as Error).message})`;
  }
  return record;
}

export function readStage(storeDir: string, key: StageKey, kind: StageKind, title: string): StageRecord {
  return readStageDir(stageDir(storeDir, key), key, kind, title);
}

/** Reads every stage of the plan once, keyed by stage key. */
export function readStages(storeDir: string, stages: readonly Stage[]): Map<StageKey, StageRecord> {
  const out = new Map<StageKey, StageRecord>();
  for (const s of stages) if (!out.has(s.key)) out.set(s.key, readStage(storeDir, s.key, s.kind, s.title));
  return out;
}

/**
 * `work/curves.jsonl` of a stage: numeric fields only; blank or malformed lines (a line cut
 * short by a crash) are skipped.
 */
export function readCurves(storeDir: string, key: StageKey): CurveRow[] {
  const path = join(stageDir(storeDir, key), 'work', 'curves.jsonl');
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
    const row = numericRecord(parsed);
    if (typeof row['step'] === 'number') rows.push(row);
  }
  return rows;
}
