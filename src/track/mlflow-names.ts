/**
 * MLflow's rules for metric/param/tag keys and value lengths, and how dapt makes any key pass them.
 *
 * Followed from mlflow/utils/validation.py (MLflow 2.x):
 * - `_VALID_PARAM_AND_METRIC_NAMES = ^[/\w.\- ]*$` (Python `\w` is Unicode-aware: letters, digits, _);
 * - `path_not_unique(name)`: rejected if `posixpath.normpath(name) != name`, or it is `.`, or starts
 *   with `..` or `/` (keys become file paths in the file store: `metrics/<key>`);
 * - `MAX_ENTITY_KEY_LENGTH = 250`, `MAX_PARAM_VAL_LENGTH = 6000`, `MAX_TAG_VAL_LENGTH = 8000`
 *   (5000 before MLflow 2.x), batch limits `MAX_METRICS_PER_BATCH = 1000`,
 *   `MAX_PARAMS_TAGS_PER_BATCH = 100`, `MAX_ENTITIES_PER_BATCH = 1000`,
 *   `MAX_BATCH_LOG_REQUEST_SIZE = int(1e6)`. Lengths count code points (Python `len(str)`).
 */
import { createHash } from 'node:crypto';

export const MLFLOW_LIMITS = {
  metricsPerBatch: 1000,
  paramsPerBatch: 100,
  tagsPerBatch: 100,
  itemsPerBatch: 1000,
  bytesPerBatch: 1_000_000,
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 8000,
  experimentNameLength: 500,
} as const;

const VALID_KEY = /^[/\p{L}\p{N}_.\- ]*$/u;
const INVALID_KEY_CHAR = /[^/\p{L}\p{N}_.\- ]/gu;

/** Python's `posixpath.normpath` (Node's `path.posix.normalize` keeps trailing slashes and `//`). */
export function pythonNormpath(path: string): string {
  if (path === '') return '.';
  const leading = path.startsWith('/') ? (path.startsWith('//') && !path.startsWith('///') ? 2 : 1) : 0;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..' || (leading === 0 && parts.length === 0) || parts[parts.length - 1] === '..') parts.push(part);
    else if (parts.length > 0) parts.pop();
  }
  const joined = '/'.repeat(leading) + parts.join('/');
  return joined === '' ? '.' : joined;
}

/** Why MLflow would reject this key, or null if it accepts it. */
export function mlflowKeyProblem(key: string): string | null {
  if (key === '') return 'a key name must be provided';
  if (!VALID_KEY.test(key)) {
    return 'names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/)';
  }
  const norm = pythonNormpath(key);
  if (norm !== key || norm === '.' || norm.startsWith('..') || norm.startsWith('/')) {
    return `names are file paths in the file store and must not resolve to another name (this one resolves to '${norm}')`;
  }
  if (codePointLength(key) > MLFLOW_LIMITS.keyLength) return `names are at most ${MLFLOW_LIMITS.keyLength} characters`;
  return null;
}

/**
 * A key MLflow accepts, as close to `key` as possible: other characters become `_`, empty/`.`/`..`
 * path segments are dropped or escaped, and keys over 250 characters are cut with a short hash of
 * the original so that distinct long keys stay distinct.
 */
export function sanitizeKey(key: string): string {
  if (mlflowKeyProblem(key) === null) return key;
  let out = normaliseSegments(key.replace(INVALID_KEY_CHAR, '_'));
  if (codePointLength(out) > MLFLOW_LIMITS.keyLength) {
    const hash = createHash('sha256').update(key).digest('hex').slice(0, 8);
    const head = Array.from(out).slice(0, MLFLOW_LIMITS.keyLength - hash.length - 1).join('');
    out = normaliseSegments(`${head}-${hash}`);
  }
  return out;
}

function normaliseSegments(key: string): string {
  const segments = key
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .map((s) => (s.startsWith('..') ? `__${s.slice(2)}` : s));
  return segments.length === 0 ? '_' : segments.join('/');
}

export interface FittedValue {
  value: string;
  /** Original length in characters when the value was cut. */
  truncatedFrom?: number;
}

/**
 * Values longer than MLflow's limit are cut, ending with a visible marker, rather than rejected:
 * a run with a shortened param is more useful than a stage whose whole batch is refused.
 */
export function fitValue(value: string, limit: number): FittedValue {
  const chars = Array.from(value);
  if (chars.length <= limit) return { value };
  const marker = `…[truncated by dapt: ${chars.length} chars]`;
  const kept = chars.slice(0, limit - Array.from(marker).length).join('');
  return { value: kept + marker, truncatedFrom: chars.length };
}

export function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}
