/**
 * What the outbox holds: one JSON file per record, each one store operation that could not be
 * done when asked. Log-batch records are already split to MLflow's limits, so each replays as one
 * request and its acknowledgement is all-or-nothing from the outbox's point of view.
 */
import type { CreateRunRequest, LogBatch, RunStatus } from '../types.ts';

interface RecordCommon {
  v: 1;
  /** The tracking URI the record is for (sync replays each record to its own store). */
  uri: string;
  /** The run id the writer knew: a real MLflow run id, or a placeholder `offline-…`. */
  runKey: string;
  experimentId: string;
  /** True once a request for it may have reached the store: replay checks before sending. */
  attempted: boolean;
  createdAt: number;
}

export type OutboxRecord = RecordCommon &
  (
    | { kind: 'create-run'; experimentName: string; run: Omit<CreateRunRequest, 'experimentId'>; parentRunKey?: string }
    | { kind: 'log-batch'; batch: LogBatch }
    | { kind: 'update-run'; status: RunStatus; endTime: number | null }
    | { kind: 'log-artifact'; localPath: string; artifactPath?: string }
  );

export type OutboxRecordKind = OutboxRecord['kind'];

const PLACEHOLDER_PREFIX = 'offline-';
/** The prefix and a client run id (32 hex digits): a tag value such as an arm named `offline-x` is not one. */
const PLACEHOLDER = /^offline-[0-9a-f]{32}$/;

export function isPlaceholder(runId: string): boolean {
  return PLACEHOLDER.test(runId);
}

export function placeholderId(clientRunId: string): string {
  return `${PLACEHOLDER_PREFIX}${clientRunId}`;
}
