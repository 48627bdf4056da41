/**
 * Which MLflow run a stage continues. A stage that resumes (after Ctrl-C, a crash or a failed
 * attempt) logs into the run its earlier attempt used, so that its history is one curve, as an
 * MLflow user (or HF Trainer's MLflow callback) would continue it. A stage that starts over —
 * forced (its work/ is gone), or redone after its finished outputs stopped verifying — gets a run
 * of its own: the old one holds a result.
 */
import { access, readFile } from 'node:fs/promises';
import type { StageKey } from '../plan/types.ts';
import type { TrackingHandle } from '../track/types.ts';
import { recordedRun } from '../track/index.ts';
import { stagePaths } from '../store/layout.ts';

/** Tag recording how attempt `n` of a stage ended, on the run every attempt shares. */
export function attemptTag(n: number): string {
  return `dapt.attempt.${n}`;
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

function handleOf(spec: unknown): TrackingHandle | null {
  const t = (spec as { tracking?: Partial<TrackingHandle> } | null)?.tracking;
  if (!t || typeof t.uri !== 'string' || typeof t.runId !== 'string' || typeof t.outbox !== 'string') return null;
  return { uri: t.uri, experimentId: typeof t.experimentId === 'string' ? t.experimentId : '', runId: t.runId, outbox: t.outbox, attempt: typeof t.attempt === 'number' ? t.attempt : 1 };
}

/** The run of the stage's last attempt on this tracking store, if the stage continues it. */
export async function runToContinue(storeDir: string, key: StageKey, uri: string): Promise<TrackingHandle | null> {
  const paths = stagePaths(storeDir, key);
  if ((await exists(paths.manifest)) || !(await exists(paths.work))) return null;
  let previous: TrackingHandle | null;
  try {
    previous = handleOf(JSON.parse(await readFile(paths.spec, 'utf8')));
  } catch {
    return null;
  }
  if (!previous || previous.uri !== uri) return null;
  // A run created by `dapt sync` since then is continued under its real id.
  const run = await recordedRun(storeDir, previous);
  return run.state === 'logged' ? { ...previous, runId: run.runId, experimentId: run.experimentId } : previous;
}
