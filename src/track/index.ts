/**
 * Tracking's public API: MLflow runs for `dapt run` (openTracking) and for each stage process
 * (openRunLogger), on an MLflow file store or an MLflow server, with an outbox so that tracking
 * never stops training. See types.ts for the contracts.
 */
export { openTracking } from './tracking.ts';
export { OUTBOX_FOLDER, recordedRun, recordedRunSync, type RecordedRun } from './recorded-run.ts';
export { openRunLogger } from './run-logger.ts';
export { TrackingError, isTrackingError } from './errors.ts';
export { isPlaceholder as isPlaceholderRunId } from './outbox/records.ts';
export { trackingBackends, trackingUriFor } from './registry.ts';
export type { ParamValue, RunLogger, RunStatus, SyncResult, Tracking, TrackingHandle, TrackingOptions } from './types.ts';
