/**
 * Sends each operation to the store, or to the outbox when it cannot: while the store is
 * unreachable (for 30 s after a failure, then it is tried again), while the run exists only in
 * the outbox, and while the run still has records waiting there (so a run's records keep their
 * order). Used by Tracking (executor process) and RunLogger (stage process) alike.
 */
import { TrackingError, asTrackingError } from './errors.ts';
import { Outbox } from './outbox/outbox.ts';
import { isPlaceholder, placeholderId, type OutboxRecord } from './outbox/records.ts';
import { withRealRunIds } from './outbox/linked-runs.ts';
import { replayOutbox, resolveRun } from './outbox/replay.ts';
import { splitLogBatch } from './split-batch.ts';
import { CLIENT_RUN_ID_TAG, tagValue } from './system-tags.ts';
import type { CreateRunRequest, LogBatch, RunRef, RunStatus, SyncResult, TrackingBackend, TrackingHandle, Warn } from './types.ts';

const OFFLINE_MS = 30_000;
/** How often a writer with queued records tries to drain them while the store seems back. */
const DRAIN_EVERY_MS = 30_000;

type RecordBody = OutboxRecord extends infer R ? (R extends OutboxRecord ? Omit<R, 'v' | 'uri' | 'runKey' | 'experimentId' | 'attempted' | 'createdAt'> : never) : never;

export class RunWriter {
  readonly backend: TrackingBackend;
  readonly outbox: Outbox;
  readonly #warn: Warn;
  readonly #open: (uri: string) => TrackingBackend;
  #offlineUntil = 0;
  #lastDrain = 0;

  constructor(backend: TrackingBackend, outbox: Outbox, warn: Warn, open: (uri: string) => TrackingBackend) {
    this.backend = backend;
    this.outbox = outbox;
    this.#warn = warn;
    this.#open = (uri) => (uri === backend.uri ? backend : open(uri));
  }

  #online(): boolean {
    return Date.now() >= this.#offlineUntil;
  }

  #wentOffline(err: TrackingError): void {
    this.#offlineUntil = Date.now() + OFFLINE_MS;
    this.#warn(`MLflow store ${this.backend.uri} failed (${err.message}); tracking records are kept in ${this.outbox.dir} and replayed by \`dapt sync\``);
  }

  handle(run: RunRef): TrackingHandle {
    return { uri: this.backend.uri, experimentId: run.experimentId, runId: run.runId, outbox: this.outbox.dir };
  }

  /**
   * Creates the run, or queues its creation under a placeholder id (also while a run it links to,
   * such as its parent, exists only in the outbox). Throws only if refused for good.
   */
  async createRun(experimentName: string, run: Omit<CreateRunRequest, 'experimentId'>, parent?: TrackingHandle): Promise<TrackingHandle> {
    const linked = await withRealRunIds(this.outbox, run.tags);
    let attempted = false;
    if (linked.unresolved.length === 0 && this.#online()) {
      try {
        const experimentId = await this.backend.experimentIdFor(experimentName);
        return this.handle(await this.backend.createRun({ ...run, experimentId, tags: linked.tags }));
      } catch (e) {
        const err = asTrackingError(e, `creating MLflow run "${run.runName}"`);
        if (!err.transient) throw err;
        this.#wentOffline(err);
        attempted = err.mayHaveApplied;
      }
    }
    const clientId = tagValue(run.tags, CLIENT_RUN_ID_TAG);
    if (clientId === undefined) throw new TrackingError(`run "${run.runName}" has no ${CLIENT_RUN_ID_TAG} tag`, { transient: false });
    const runKey = placeholderId(clientId);
    await this.#queue({
      v: 1,
      uri: this.backend.uri,
      runKey,
      experimentId: '',
      attempted,
      createdAt: Date.now(),
      kind: 'create-run',
      experimentName,
      run,
      ...(parent ? { parentRunKey: parent.runId } : {}),
    });
    return { uri: this.backend.uri, experimentId: '', runId: runKey, outbox: this.outbox.dir };
  }

  async logBatch(handle: TrackingHandle, batch: LogBatch): Promise<void> {
    for (const chunk of splitLogBatch(batch)) {
      await this.#send(handle, { kind: 'log-batch', batch: chunk }, (run) => this.backend.logBatch(run, chunk));
    }
  }

  async updateRun(handle: TrackingHandle, status: RunStatus, endTime: number | null): Promise<void> {
    await this.#send(handle, { kind: 'update-run', status, endTime }, (run) => this.backend.updateRun(run, status, endTime));
  }

  async logArtifact(handle: TrackingHandle, localPath: string, artifactPath?: string): Promise<void> {
    const body = { kind: 'log-artifact' as const, localPath, ...(artifactPath !== undefined ? { artifactPath } : {}) };
    await this.#send(handle, body, (run) => this.backend.logArtifact(run, localPath, artifactPath));
  }

  async sync(opts: { runKeys?: ReadonlySet<string>; lockWaitMs: number }): Promise<SyncResult> {
    return replayOutbox(this.outbox, { open: this.#open, lockWaitMs: opts.lockWaitMs, ...(opts.runKeys ? { runKeys: opts.runKeys } : {}) });
  }

  async #send(handle: TrackingHandle, body: RecordBody, op: (run: RunRef) => Promise<void>): Promise<void> {
    const record = { v: 1, uri: handle.uri, runKey: handle.runId, experimentId: handle.experimentId, attempted: false, createdAt: Date.now(), ...body } as OutboxRecord;
    if (handle.uri !== this.backend.uri) {
      await this.#queue(record); // a handle for another store: sync will deliver it there
      return;
    }
    try {
      const run = this.#online() && !(await this.#backlog(handle)) ? await resolveRun(this.outbox, handle.runId, handle.experimentId) : null;
      if (run) {
        try {
          await op(run);
          return;
        } catch (e) {
          const err = asTrackingError(e, `logging to MLflow run ${handle.runId}`);
          if (!err.transient) {
            this.#warn(`MLflow refused a ${record.kind} for run ${handle.runId}: ${err.message} (kept in ${this.outbox.rejectedDir})`);
            await this.outbox.reject(null, record, err.message);
            return;
          }
          this.#wentOffline(err);
          record.attempted = err.mayHaveApplied;
        }
      }
    } catch (e) {
      this.#warn(`tracking: ${(e as Error).message}`);
    }
    await this.#queue(record);
  }

  /** Whether the run has queued records; tries to drain them first when the store seems back. */
  async #backlog(handle: TrackingHandle): Promise<boolean> {
    if (!isPlaceholder(handle.runId) && !(await this.outbox.hasPending(handle.runId))) return false;
    if (Date.now() - this.#lastDrain >= DRAIN_EVERY_MS) {
      this.#lastDrain = Date.now();
      const result = await this.sync({ runKeys: new Set([handle.runId]), lockWaitMs: 0 });
      if (result.error) this.#offlineUntil = Date.now() + OFFLINE_MS;
    }
    return this.outbox.hasPending(handle.runId);
  }

  async #queue(record: OutboxRecord): Promise<void> {
    try {
      await this.outbox.append(record);
    } catch (e) {
      this.#warn(`tracking record lost: could not write to the outbox ${this.outbox.dir}: ${(e as Error).message}`);
    }
  }
}
