/**
 * A run as a stage's files recorded it (manifest.json, spec.json): a real MLflow run, or a
 * placeholder `offline-…` made while the store was unreachable. A placeholder's real run, once
 * `dapt sync` (or a later drain) has created it, is in the outbox's id map; until then the run is
 * queued, and callers say so rather than show the placeholder.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Outbox } from './outbox/outbox.ts';
import { isPlaceholder } from './outbox/records.ts';
import type { CreatedRun, RunRef } from './types.ts';

export const OUTBOX_FOLDER = 'mlflow-outbox';

export type RecordedRun = ({ state: 'logged' } & RunRef) | { state: 'queued'; placeholder: string };

export function outboxOf(storeDir: string): Outbox {
  return new Outbox(join(storeDir, OUTBOX_FOLDER));
}

function settled(ref: RunRef, real: CreatedRun | null): RecordedRun {
  if (!isPlaceholder(ref.runId)) return { state: 'logged', ...ref };
  return real ? { state: 'logged', runId: real.runId, experimentId: real.experimentId } : { state: 'queued', placeholder: ref.runId };
}

/** Synchronous, for the report's readers. */
export function recordedRunSync(storeDir: string, ref: RunRef): RecordedRun {
  if (!isPlaceholder(ref.runId)) return settled(ref, null);
  let real: CreatedRun | null = null;
  try {
    real = JSON.parse(readFileSync(outboxOf(storeDir).idFile(ref.runId), 'utf8')) as CreatedRun;
  } catch {
    // not created yet (or an unreadable map entry, which the next sync rewrites)
  }
  return settled(ref, real);
}

export async function recordedRun(storeDir: string, ref: RunRef): Promise<RecordedRun> {
  if (!isPlaceholder(ref.runId)) return settled(ref, null);
  return settled(ref, await outboxOf(storeDir).mapped(ref.runId).catch(() => null));
}
