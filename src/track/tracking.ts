/** `openTracking`: the executor's side of tracking (one instance per `dapt run`). */
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Outbox } from './outbox/outbox.ts';
import { prepareBatch } from './prepare-batch.ts';
import { OUTBOX_FOLDER } from './recorded-run.ts';
import { openBackend, trackingUriFor } from './registry.ts';
import { RunWriter } from './run-writer.ts';
import { CLIENT_RUN_ID_TAG, PARENT_RUN_ID_TAG, RUN_NAME_TAG, currentUser, defaultRunTags } from './system-tags.ts';
import type { LogBatch, RunStatus, SyncResult, Tracking, TrackingHandle, TrackingOptions, Warn } from './types.ts';
import { warnOnce } from './warnings.ts';

/** Tags beyond what one log-batch takes go in a follow-up batch. */
const CREATE_TAGS_MAX = 100;
/** `dapt sync` waits this long for another process that is replaying the same outbox. */
const SYNC_LOCK_WAIT_MS = 30_000;

/** A RunWriter for a handle or a store: backend chosen by URI, outbox in the run store. */
export function writerFor(uri: string, outboxDir: string, env: NodeJS.ProcessEnv, options: TrackingOptions, warn: Warn): RunWriter {
  const open = (u: string) => openBackend(u, env, options, warn);
  return new RunWriter(open(uri), new Outbox(outboxDir), warn, open);
}

/**
 * Tracking for a run store. The URI comes from MLFLOW_TRACKING_URI (http(s) → REST API) or is the
 * file store `<storeDir>/mlruns`; the outbox is `<storeDir>/mlflow-outbox`. Throws TrackingError
 * for an unsupported MLFLOW_TRACKING_URI.
 */
export function openTracking(opts: { storeDir: string; env: NodeJS.ProcessEnv } & TrackingOptions): Tracking {
  const warn = warnOnce(opts.onWarning);
  const uri = trackingUriFor(opts.storeDir, opts.env);
  const writer = writerFor(uri, join(resolve(opts.storeDir), OUTBOX_FOLDER), opts.env, opts, warn);

  return {
    uri,

    async startRun({ experiment, runName, parent, tags, params }) {
      const allTags: Record<string, string> = { ...defaultRunTags(runName, opts.env), ...tags, [CLIENT_RUN_ID_TAG]: randomUUID().replaceAll('-', '') };
      if (parent) allTags[PARENT_RUN_ID_TAG] = parent.runId;
      const prepared = prepareBatch({ tags: allTags, params: params ?? {} }, warn);
      const name = prepared.tags.find((t) => t.key === RUN_NAME_TAG)?.value ?? runName;
      const handle = await writer.createRun(
        experiment,
        { runName: name, userId: currentUser(opts.env), startTime: Date.now(), tags: prepared.tags.slice(0, CREATE_TAGS_MAX) },
        parent,
      );
      const rest: LogBatch = { metrics: [], params: prepared.params, tags: prepared.tags.slice(CREATE_TAGS_MAX) };
      if (rest.params.length + rest.tags.length > 0) await writer.logBatch(handle, rest);
      return handle;
    },

    async finishRun(handle: TrackingHandle, status: Exclude<RunStatus, 'RUNNING'>, metrics?: Record<string, number>, tags?: Record<string, string>) {
      const now = Date.now();
      const points = Object.entries(metrics ?? {}).map(([key, value]) => ({ key, value, timestamp: now, step: 0 }));
      const batch = prepareBatch({ metrics: points, tags: tags ?? {} }, warn);
      if (batch.metrics.length + batch.tags.length > 0) await writer.logBatch(handle, batch);
      await writer.updateRun(handle, status, now);
    },

    async resumeRun(handle: TrackingHandle, tags: Record<string, string>) {
      const batch = prepareBatch({ tags }, warn);
      if (batch.tags.length > 0) await writer.logBatch(handle, batch);
      await writer.updateRun(handle, 'RUNNING', null);
    },

    async sync(): Promise<SyncResult> {
      return writer.sync({ lockWaitMs: SYNC_LOCK_WAIT_MS });
    },
  };
}

