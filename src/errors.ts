/**
 * Every error dapt raises on purpose. Each has a stable `code` (for scripts and tests) and a
 * message that tells the user what to do. The CLI's error boundary (src/cli/main.ts) is the only
 * place that prints them and sets the exit code.
 */

export type ErrorCode =
  | 'DAPT_CONFIG_INVALID'
  | 'DAPT_FILE_NOT_FOUND'
  | 'DAPT_USAGE'
  | 'DAPT_DATA_INVALID'
  | 'DAPT_LEAKAGE'
  | 'DAPT_STAGE_FAILED'
  | 'DAPT_STAGE_SPEC_INVALID'
  | 'DAPT_STORE_CORRUPT'
  | 'DAPT_LOCKED'
  | 'DAPT_BACKEND_UNAVAILABLE'
  | 'DAPT_CHECKPOINT_INVALID'
  | 'DAPT_NON_FINITE_LOSS'
  | 'DAPT_TRACKING'
  | 'DAPT_SLURM'
  | 'DAPT_INTERRUPTED'
  | 'DAPT_DOWNLOAD'
  | 'DAPT_CHECKSUM_MISMATCH'
  | 'DAPT_NOT_DOWNLOADABLE'
  | 'DAPT_INTERNAL';

/** Exit codes: 2 = the input is wrong, 1 = something failed while doing valid work, 130 = interrupted. */
const exitCodes: Partial<Record<ErrorCode, number>> = {
  DAPT_CONFIG_INVALID: 2,
  DAPT_FILE_NOT_FOUND: 2,
  DAPT_USAGE: 2,
  DAPT_DATA_INVALID: 2,
  DAPT_LEAKAGE: 2,
  DAPT_STAGE_SPEC_INVALID: 2,
  DAPT_NOT_DOWNLOADABLE: 2,
  DAPT_INTERRUPTED: 130,
};

export class DaptError extends Error {
  readonly code: ErrorCode;
  /** Optional structured detail, printed by `--json` and kept in logs. */
  readonly detail: unknown;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; detail?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.detail = options.detail;
  }

  get exitCode(): number {
    return exitCodes[this.code] ?? 1;
  }
}

/** A located problem in an experiment file (see src/config/types.ts ConfigIssue). */
export class ConfigError extends DaptError {
  constructor(message: string, detail: unknown) {
    super('DAPT_CONFIG_INVALID', message, { detail });
  }
}

export class UsageError extends DaptError {
  constructor(message: string) {
    super('DAPT_USAGE', message);
  }
}

export class FileNotFoundError extends DaptError {
  constructor(path: string, what = 'file') {
    super('DAPT_FILE_NOT_FOUND', `${what} not found: ${path}`);
  }
}

export class DataError extends DaptError {
  constructor(message: string, detail?: unknown) {
    super('DAPT_DATA_INVALID', message, { detail });
  }
}

export class StageFailedError extends DaptError {
  constructor(message: string, detail?: unknown) {
    super('DAPT_STAGE_FAILED', message, { detail });
  }
}

export class InterruptedError extends DaptError {
  constructor(message = 'interrupted; finished work is kept and the next `dapt run` resumes') {
    super('DAPT_INTERRUPTED', message);
  }
}

/** A download that failed for good (HTTP status, network, offline mode); `detail` has url and status. */
export class DownloadError extends DaptError {
  constructor(message: string, detail: { url: string; status?: number }) {
    super('DAPT_DOWNLOAD', message, { detail });
  }
}

/** Downloaded bytes that are not the pinned ones; the partial file is already deleted. */
export class ChecksumError extends DaptError {
  constructor(detail: { file: string; url: string; algorithm: string; expected: string; actual: string }) {
    super(
      'DAPT_CHECKSUM_MISMATCH',
      `${detail.file}: downloaded bytes have ${detail.algorithm} ${detail.actual}, expected ${detail.expected} (from ${detail.url}); ` +
        'the file was deleted. Retry; if it persists, the source (or --mirror) serves other content than the pinned release.',
      { detail },
    );
  }
}

/** Raised when an invariant breaks: the message says it is a bug and what to attach to a report. */
export class InternalError extends DaptError {
  constructor(what: string, cause?: unknown) {
    super(
      'DAPT_INTERNAL',
      `internal error (this is a bug in dapt): ${what}. Please report it with the command you ran, ` +
        'the experiment file and the output of the same command with --debug.',
      { cause },
    );
  }
}

export function isDaptError(e: unknown): e is DaptError {
  return e instanceof DaptError;
}
