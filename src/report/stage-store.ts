/**
 * Reads finished stages from the store (paths and formats: src/store/): metrics.json, the MLflow
 * run recorded in the manifest or spec.json, and the step curves. Read-only.
 * A stage counts as done when its manifest.json exists (the executor writes it last, atomically);
 * re-hashing every model file here would make a report cost minutes.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Stage, StageKey, StageKind } from '../plan/types.ts';
import { numericFields, readCurvesFile } from '../store/curves.ts';
import { pathsOfStageDir, stagePaths, storeDirOfStageDir } from '../store/layout.ts';
import type { StageMetricsFile } from '../store/metrics-file.ts';
import { recordedRunSync } from '../track/recorded-run.ts';
import type { CurveRow, Provenance, StageRecord } from './types.ts';

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
  const paths = pathsOfStageDir(dir);
  for (const [path, field] of [[paths.manifest, 'producedBy'], [paths.spec, 'tracking']] as const) {
    if (!existsSync(path)) continue;
    try {
      const doc = readJson(path);
      const run = trackingOf(isRecord(doc) ? doc[field] : null);
      if (!run) continue;
      const recorded = recordedRunSync(storeDirOfStageDir(dir), run);
      if (recorded.state === 'queued') return { stage: key, mlflowRunId: null, mlflowUri: run.uri, mlflowQueued: true };
      return { stage: key, mlflowRunId: recorded.runId, mlflowUri: run.uri };
    } catch {
      // An unreadable file only loses the link to MLflow; the stage's own state is checked elsewhere.
    }
  }
  return { stage: key, mlflowRunId: null, mlflowUri: null };
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
  const paths = pathsOfStageDir(dir);
  if (!existsSync(paths.manifest)) return record;
  try {
    const file = readJson(paths.metrics) as Partial<StageMetricsFile>;
    if (!isRecord(file)) throw new Error('not a JSON object');
    record.metrics = numericFields(file.metrics);
    record.details = isRecord(file.details) ? file.details : {};
    record.backend = typeof file.backend === 'string' ? file.backend : null;
    record.done = true;
  } catch (e) {
    record.problem = `metrics.json of finished stage ${key} is unreadable (${(e as Error).message})`;
  }
  return record;
}

export function readStage(storeDir: string, key: StageKey, kind: StageKind, title: string): StageRecord {
  return readStageDir(stagePaths(storeDir, key).dir, key, kind, title);
}

/** Reads every stage of the plan once, keyed by stage key. */
export function readStages(storeDir: string, stages: readonly Stage[]): Map<StageKey, StageRecord> {
  const out = new Map<StageKey, StageRecord>();
  for (const s of stages) if (!out.has(s.key)) out.set(s.key, readStage(storeDir, s.key, s.kind, s.title));
  return out;
}

/** A stage's step curves (numeric fields only). */
export function readCurves(storeDir: string, key: StageKey): CurveRow[] {
  return readCurvesFile(stagePaths(storeDir, key).curves);
}
