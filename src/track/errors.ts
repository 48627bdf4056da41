import { DaptError } from '../errors.ts';

/**
 * A tracking store failed. `transient` failures (unreachable server, 5xx, 429, missing
 * credentials) send records to the outbox for `dapt sync`; the others are refused for good.
 */
export class TrackingError extends DaptError {
  readonly transient: boolean;
  /** The request may have reached the store before failing, so a replay must check first. */
  readonly mayHaveApplied: boolean;
  readonly status: number | undefined;
  readonly mlflowCode: string | undefined;

  constructor(
    message: string,
    opts: { transient: boolean; mayHaveApplied?: boolean; status?: number; mlflowCode?: string; cause?: unknown },
  ) {
    super('DAPT_TRACKING', message, { cause: opts.cause, detail: { status: opts.status, mlflowCode: opts.mlflowCode } });
    this.transient = opts.transient;
    this.mayHaveApplied = opts.mayHaveApplied ?? false;
    this.status = opts.status;
    this.mlflowCode = opts.mlflowCode;
  }
}

export function isTrackingError(e: unknown): e is TrackingError {
  return e instanceof TrackingError;
}

/** Anything that is not a TrackingError is a local failure worth retrying later (disk, bug). */
export function asTrackingError(e: unknown, what: string): TrackingError {
  if (e instanceof TrackingError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new TrackingError(`${what}: ${message}`, { transient: true, mayHaveApplied: true, cause: e });
}
