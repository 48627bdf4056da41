/**
 * Replays the outbox exactly once. Records are replayed oldest first, run creations before
 * everything else (a run's records and its children need its real id). Each record is idempotent:
 * - create-run: the placeholder → real id mapping is saved as soon as the run exists; a creation
 *   that may have reached the store is looked up by its `dapt.client_run_id` tag, not redone;
 * - log-batch: a batch that may have reached the store sends only the metrics missing from the
 *   run's history (params and tags overwrite with equal values);
 * - update-run and log-artifact overwrite.
 * A record is marked `attempted` before its request goes out, so a crash at any point leaves
 * enough on disk to finish without duplicates. Replay stops at the first store that cannot be
 * reached (later records keep their order) and rejects records the store refuses for good.
 */
import { asTrackingError } from '../errors.ts';
import { withoutLogged } from '../metric-identity.ts';
import { CLIENT_RUN_ID_TAG, tagValue } from '../system-tags.ts';
import type { RunRef, SyncResult, TrackingBackend } from '../types.ts';
import { withRealRunIds } from './linked-runs.ts';
import { acquireLock } from './lock.ts';
import { Outbox } from './outbox.ts';
import { isPlaceholder, type OutboxRecord } from './records.ts';

export interface ReplayOptions {
  open(uri: string): TrackingBackend;
  /** Replay only these runs' records (every pending run creation is replayed regardless). */
  runKeys?: ReadonlySet<string>;
  /** How long to wait for another replayer to finish. */
  lockWaitMs: number;
}

type Outcome = { done: true } | { stop: string } | { reject: string };

export async function resolveRun(outbox: Outbox, runKey: string, experimentId: string): Promise<RunRef | null> {
  return isPlaceholder(runKey) ? outbox.mapped(runKey) : { runId: runKey, experimentId };
}

async function markAttempted(outbox: Outbox, name: string, record: OutboxRecord): Promise<void> {
  if (record.attempted) return;
  record.attempted = true;
  await outbox.rewrite(name, record);
}

async function replayOne(outbox: Outbox, name: string, record: OutboxRecord, backend: TrackingBackend): Promise<Outcome> {
  if (record.kind === 'create-run') {
    if (await outbox.mapped(record.runKey)) return { done: true };
    // Runs created earlier in this replay (its parent, the run a cache hit points at) are mapped by now.
    const linked = await withRealRunIds(outbox, record.run.tags);
    if (record.parentRunKey !== undefined && linked.unresolved.includes(record.parentRunKey)) {
      return { reject: `its parent run ${record.parentRunKey} was never created (see the other rejected records)` };
    }
    // A link to a run whose creation was refused points at nothing: left out rather than sent.
    const tags = linked.tags.filter((t) => !linked.unresolved.includes(t.value));
    const experimentId = await backend.experimentIdFor(record.experimentName);
    const clientId = tagValue(tags, CLIENT_RUN_ID_TAG);
    if (record.attempted && clientId !== undefined) {
      const existing = await backend.findRunByTag(experimentId, CLIENT_RUN_ID_TAG, clientId);
      if (existing) {
        await outbox.saveMapping(record.runKey, existing);
        return { done: true };
      }
    }
    await markAttempted(outbox, name, record);
    const run = await backend.createRun({ ...record.run, experimentId, tags });
    await outbox.saveMapping(record.runKey, run);
    return { done: true };
  }

  const run = await resolveRun(outbox, record.runKey, record.experimentId);
  if (!run) return { reject: `its run ${record.runKey} was never created (see the rejected create-run record)` };
  switch (record.kind) {
    case 'log-batch': {
      let batch = record.batch;
      if (record.attempted && batch.metrics.length > 0) batch = { ...batch, metrics: await withoutLogged(backend, run, batch.metrics) };
      if (batch.metrics.length + batch.params.length + batch.tags.length === 0) return { done: true };
      await markAttempted(outbox, name, record);
      await backend.logBatch(run, batch);
      return { done: true };
    }
    case 'update-run':
      await backend.updateRun(run, record.status, record.endTime);
      return { done: true };
    case 'log-artifact':
      await backend.logArtifact(run, record.localPath, record.artifactPath);
      return { done: true };
  }
}

export async function replayOutbox(outbox: Outbox, opts: ReplayOptions): Promise<SyncResult> {
  if ((await outbox.list()).length === 0) return { replayed: 0, ...(await outbox.counts()) };
  const lock = await acquireLock(outbox.lockPath, opts.lockWaitMs).catch(() => null);
  if (!lock) return { replayed: 0, ...(await outbox.counts()), error: `another process is replaying ${outbox.dir}` };
  let replayed = 0;
  let error: string | undefined;
  try {
    const seen = new Set<string>();
    for (;;) {
      const names = (await outbox.list()).filter((n) => !seen.has(n));
      if (names.length === 0) break;
      const creates = names.filter((n) => Outbox.kindOf(n) === 'create-run');
      const others = names.filter((n) => Outbox.kindOf(n) !== 'create-run');
      for (const name of [...creates, ...others]) {
        seen.add(name);
        if (opts.runKeys && Outbox.kindOf(name) !== 'create-run' && !opts.runKeys.has(Outbox.runKeyOf(name))) continue;
        const record = await outbox.read(name);
        if (!record) continue;
        let outcome: Outcome;
        try {
          outcome = await replayOne(outbox, name, record, opts.open(record.uri));
        } catch (e) {
          const err = asTrackingError(e, `replaying ${name}`);
          outcome = err.transient ? { stop: err.message } : { reject: err.message };
        }
        if ('done' in outcome) {
          await outbox.remove(name);
          replayed += 1;
        } else if ('reject' in outcome) {
          await outbox.reject(name, record, outcome.reject);
        } else {
          error = outcome.stop;
          return { replayed, ...(await outbox.counts()), error };
        }
      }
    }
  } finally {
    await lock.release();
  }
  return { replayed, ...(await outbox.counts()) };
}
