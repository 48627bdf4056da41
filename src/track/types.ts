/**
 * Tracking's contracts. `Tracking` is what the executor uses (one per `dapt run`); `RunLogger` is
 * what a stage process uses, built from nothing but the `TrackingHandle` in its spec.json (plus the
 * environment, for credentials, which never go into spec files). Both sit on a `TrackingBackend`:
 * the MLflow file store (`mlflow-file`) or an MLflow server's REST API (`mlflow-rest`).
 */

/** Where a run lives: all a stage process needs to log into it (it is written into spec.json). */
export interface TrackingHandle {
  /** `file:///abs/path/mlruns` or `http(s)://…`. */
  uri: string;
  experimentId: string;
  runId: string;
  /** Outbox directory used when the server cannot be reached. */
  outbox: string;
  /** A stage's run: which attempt at the stage this is (a resumed or retried stage keeps its run). */
  attempt?: number;
}

/** `RUNNING` again only when a stage's run is resumed (as MLflow's client does for `start_run(run_id)`). */
export type RunStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';
export type ParamValue = string | number | boolean;

export interface SyncResult {
  /** Records that reached the store during this call. */
  replayed: number;
  /** Records still waiting in the outbox (the store could not be reached). */
  pending: number;
  /** Records a store refused for good, kept in `<outbox>/rejected/` with the reason. */
  rejected: number;
  /** Why records are still pending (the store's last answer), if they are. */
  error?: string;
}

export interface Tracking {
  /** `file:///abs/<store>/mlruns` or the http(s) MLFLOW_TRACKING_URI. */
  readonly uri: string;
  /**
   * Creates a run (and its experiment if needed). Sets `mlflow.runName`, `mlflow.user`,
   * `mlflow.source.name`, `mlflow.source.type` unless given, and `mlflow.parentRunId` when `parent`
   * is. If the store cannot be reached the run is created in the outbox and the handle carries a
   * placeholder id (`offline-…`) that `sync()` maps to the real run. Throws TrackingError only when
   * the store refuses the run for good (e.g. the experiment name belongs to a deleted experiment).
   */
  startRun(opts: {
    experiment: string;
    runName: string;
    parent?: TrackingHandle;
    tags?: Record<string, string>;
    params?: Record<string, ParamValue>;
  }): Promise<TrackingHandle>;
  /** Logs final metrics (step 0) and tags, and sets the run's status and end time. Never throws. */
  finishRun(handle: TrackingHandle, status: Exclude<RunStatus, 'RUNNING'>, metrics?: Record<string, number>, tags?: Record<string, string>): Promise<void>;
  /**
   * Continues a run that ended (a stage resumed or retried): sets the tags and the status back to
   * RUNNING; the end time stays until the run ends again, as with MLflow's own client. Never throws.
   */
  resumeRun(handle: TrackingHandle, tags: Record<string, string>): Promise<void>;
  /** Replays the outbox (every record, whatever store it targets) exactly once. Never throws. */
  sync(): Promise<SyncResult>;
}

/** Logging from inside a stage process. Nothing here throws: tracking never stops training. */
export interface RunLogger {
  /** Buffered; written on `flush()` (or automatically once the buffer is large). */
  metrics(step: number, values: Record<string, number>, timestamp?: number): void;
  params(values: Record<string, ParamValue>): void;
  tags(values: Record<string, string>): void;
  /** A file goes to `<artifactPath>/<basename>`; a directory's contents go under `artifactPath`. */
  artifact(localPath: string, artifactPath?: string): void;
  flush(): Promise<void>;
  finish(status: RunStatus): Promise<void>;
}

export interface TrackingOptions {
  /** Where warnings go (store unreachable, value truncated, key renamed). Default: process.emitWarning. */
  onWarning?: (message: string) => void;
  /** HTTP retry policy for the REST store. */
  retry?: Partial<RetryPolicy>;
}

export interface RetryPolicy {
  /** Retries after the first attempt, on network errors, 5xx and 429. */
  retries: number;
  /** First backoff delay; doubles each retry (with jitter). */
  baseDelayMs: number;
  /** Per-request timeout. */
  timeoutMs: number;
}

// ---- what backends store -------------------------------------------------------------------

export interface MetricPoint {
  key: string;
  value: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
  step: number;
}

export interface KeyValue {
  key: string;
  value: string;
}

/** One `runs/log-batch` request's worth of records: sanitised and within MLflow's limits. */
export interface LogBatch {
  metrics: MetricPoint[];
  params: KeyValue[];
  tags: KeyValue[];
}

export interface RunRef {
  runId: string;
  /** Needed by the file store to find the run; may be '' when unknown. */
  experimentId: string;
}

export interface CreatedRun extends RunRef {
  artifactUri: string;
}

export interface CreateRunRequest {
  experimentId: string;
  runName: string;
  userId: string;
  startTime: number;
  tags: KeyValue[];
}

export type BackendName = 'mlflow-file' | 'mlflow-rest';

/** The one small interface both stores implement. Errors are TrackingError (transient or not). */
export interface TrackingBackend {
  readonly name: BackendName;
  readonly uri: string;
  /** The id of the active experiment with this name, created if missing (races resolve to one id). */
  experimentIdFor(name: string): Promise<string>;
  createRun(req: CreateRunRequest): Promise<CreatedRun>;
  /** The run in `experimentId` whose tag `key` equals `value`, if any (idempotent replay). */
  findRunByTag(experimentId: string, key: string, value: string): Promise<CreatedRun | null>;
  logBatch(run: RunRef, batch: LogBatch): Promise<void>;
  /** `endTime` null leaves the stored end time as it is (MLflow's `update_run` without one). */
  updateRun(run: RunRef, status: RunStatus, endTime: number | null): Promise<void>;
  logArtifact(run: RunRef, localPath: string, artifactPath: string | undefined): Promise<void>;
  metricHistory(run: RunRef, key: string): Promise<MetricPoint[]>;
}

export type Warn = (message: string) => void;
