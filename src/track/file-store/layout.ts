/**
 * MLflow's file-store layout, as mlflow/store/tracking/file_store.py writes and reads it:
 *
 *   mlruns/<experiment_id>/meta.yaml                 artifact_location, creation_time, experiment_id,
 *                                                    last_update_time, lifecycle_stage, name
 *   mlruns/<experiment_id>/<run_id>/meta.yaml        see RunMeta
 *   mlruns/<experiment_id>/<run_id>/metrics/<key>    lines `<timestamp> <value> <step>` (`_log_run_metric`)
 *   mlruns/<experiment_id>/<run_id>/params/<key>     the value, no newline (`_log_run_param`)
 *   mlruns/<experiment_id>/<run_id>/tags/<key>       the value, no newline (`_set_run_tag`)
 *   mlruns/<experiment_id>/<run_id>/artifacts/…
 *   mlruns/.trash/                                   deleted experiments (FileStore.__init__ creates it)
 *
 * Keys containing `/` are nested paths (`metrics/dev/loss`); MLflow walks the folders to read them.
 * meta.yaml is `yaml.dump(..., default_flow_style=False, allow_unicode=True, sort_keys=True)` with
 * PyYAML's safe dumper, which reads YAML 1.1 (so `yes`/`on` must be quoted; the `yaml` package
 * quotes them when asked for 1.1).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { RunStatus } from '../types.ts';

export const DEFAULT_EXPERIMENT_ID = '0';
export const DEFAULT_EXPERIMENT_NAME = 'Default';
export const TRASH_FOLDER = '.trash';

/** mlflow.entities.RunStatus. */
export const RUN_STATUS_CODE = { RUNNING: 1, SCHEDULED: 2, FINISHED: 3, FAILED: 4, KILLED: 5 } as const;
/** mlflow.entities.SourceType: NOTEBOOK, JOB, PROJECT, LOCAL, UNKNOWN = range(1, 6). */
export const SOURCE_TYPE_LOCAL = 4;

export interface ExperimentMeta {
  artifact_location: string;
  creation_time: number;
  experiment_id: string;
  last_update_time: number;
  lifecycle_stage: 'active' | 'deleted';
  name: string;
}

/** `_make_persisted_run_info_dict`: RunInfo fields plus the legacy ones MLflow still writes. */
export interface RunMeta {
  artifact_uri: string;
  /** Written as null on create, omitted on later rewrites (as `_overwrite_run_info` does). */
  deleted_time?: number | null;
  end_time: number | null;
  entry_point_name: '';
  experiment_id: string;
  lifecycle_stage: 'active' | 'deleted';
  run_id: string;
  run_name: string;
  run_uuid: string;
  source_name: '';
  source_type: number;
  source_version: '';
  start_time: number;
  status: number;
  tags: [];
  user_id: string;
}

export function renderMetaYaml(meta: ExperimentMeta | RunMeta): string {
  return stringify(meta, { sortMapEntries: true, singleQuote: true, lineWidth: 0, version: '1.1' });
}

export function statusCode(status: RunStatus): number {
  return RUN_STATUS_CODE[status];
}

/**
 * MLflow picks a random 18-digit id (`_generate_unique_integer_id`); dapt derives it from the
 * name instead, so that two processes creating the same experiment at once agree on the id
 * without a lock. `attempt` > 0 only if another experiment already owns the id (never in practice).
 */
export function experimentIdForName(name: string, attempt = 0): string {
  const digest = createHash('sha256').update(attempt === 0 ? name : `${name}\n${attempt}`).digest('hex');
  const n = BigInt(`0x${digest.slice(0, 16)}`) % 900_000_000_000_000_000n;
  return String(n + 100_000_000_000_000_000n);
}

export const paths = {
  experiment: (root: string, experimentId: string) => join(root, experimentId),
  run: (root: string, experimentId: string, runId: string) => join(root, experimentId, runId),
  metric: (runDir: string, key: string) => join(runDir, 'metrics', ...key.split('/')),
  param: (runDir: string, key: string) => join(runDir, 'params', ...key.split('/')),
  tag: (runDir: string, key: string) => join(runDir, 'tags', ...key.split('/')),
  meta: (dir: string) => join(dir, 'meta.yaml'),
};

/** One metric line exactly as Python's `f"{timestamp} {value} {step}\n"` renders it. */
export function metricLine(timestamp: number, value: number, step: number): string {
  return `${timestamp} ${pythonFloatRepr(value)} ${step}\n`;
}

/**
 * Python's `repr(float)`: the shortest round-tripping digits (which JS also finds), shown in
 * positional notation unless the decimal exponent is < -4 or >= 16, always with a `.0` or an
 * exponent so that it reads back as a float.
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa, exp] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const decpt = Number(exp) + 1; // position of the decimal point relative to the digits
  if (decpt > 16 || decpt < -3) {
    const e = decpt - 1;
    const rest = digits.slice(1);
    return `${sign}${digits[0]}${rest ? `.${rest}` : ''}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

/** Reads a value written by Python's repr (or any float MLflow wrote). */
export function parsePythonFloat(text: string): number {
  const t = text.trim().toLowerCase();
  if (t === 'nan' || t === '-nan') return NaN;
  if (t === 'inf' || t === '+inf' || t === 'infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  return Number(t);
}
