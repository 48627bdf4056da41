/**
 * One HTTP attempt at a file: asks for the bytes after what `partial` already holds (Range), and
 * appends what arrives. Failures worth another attempt throw Retryable; the rest DownloadError.
 */
import { open, stat, truncate } from 'node:fs/promises';
import { DownloadError } from '../errors.ts';

export class Retryable extends Error {}

export interface AttemptOptions {
  url: string;
  partial: string;
  headers: Record<string, string>;
  /** Abort when no byte arrives for this long. */
  idleTimeoutMs: number;
  fetch: typeof fetch;
  onBytes: (received: number, total: number | null) => void;
  /** Said in auth errors: which variable holds the credentials for this host. */
  authHint: string;
}

export async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

export async function attempt(opts: AttemptOptions): Promise<void> {
  let have = await sizeOf(opts.partial);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), opts.idleTimeoutMs);
  };
  arm();
  try {
    let res: Response;
    try {
      res = await opts.fetch(opts.url, { headers: { ...opts.headers, ...(have > 0 ? { Range: `bytes=${have}-` } : {}) }, signal: controller.signal });
    } catch (e) {
      throw new Retryable(controller.signal.aborted ? `no response in ${opts.idleTimeoutMs / 1000} s` : `network error: ${describe(e)}`);
    }
    checkStatus(res, opts);
    if (res.status === 206) {
      const start = /^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '')?.[1];
      if (Number(start) !== have) throw restart(opts.partial, 'the server resumed at another offset');
    } else if (have > 0) {
      // a 200 to a Range request is the whole file again
      await truncate(opts.partial, 0);
      have = 0;
    }
    const length = res.headers.get('content-length');
    const expected = length === null ? null : have + Number(length);
    const file = await open(opts.partial, 'a');
    let received = have;
    try {
      if (res.body === null) throw new Retryable('empty response body');
      for await (const chunk of res.body) {
        arm();
        await file.write(chunk);
        received += chunk.byteLength;
        opts.onBytes(received, expected);
      }
    } catch (e) {
      if (e instanceof Retryable) throw e;
      throw new Retryable(controller.signal.aborted ? `no data for ${opts.idleTimeoutMs / 1000} s` : `connection lost after ${received} bytes: ${describe(e)}`);
    } finally {
      await file.close();
    }
    if (expected !== null && received < expected) throw new Retryable(`truncated: ${received} of ${expected} bytes`);
  } finally {
    clearTimeout(timer);
  }
}

function checkStatus(res: Response, opts: AttemptOptions): void {
  const s = res.status;
  if (s === 200 || s === 206) return;
  const detail = { url: opts.url, status: s };
  if (s === 416) throw restart(opts.partial, 'the partial download is longer than the file');
  if (s === 408 || s === 429 || s >= 500) throw new Retryable(`HTTP ${s} ${res.statusText}`);
  if (s === 401) throw new DownloadError(`${opts.url}: HTTP 401, authentication required. ${opts.authHint}`, detail);
  if (s === 403) throw new DownloadError(`${opts.url}: HTTP 403, access denied. ${opts.authHint}, and that the account has been granted access`, detail);
  if (s === 404) throw new DownloadError(`${opts.url}: HTTP 404, not found. Check the name and revision, or that the mirror has this file at the same path`, detail);
  throw new DownloadError(`${opts.url}: HTTP ${s} ${res.statusText}`, detail);
}

/** The partial bytes cannot be continued: drop them so the next attempt starts from zero. */
function restart(partial: string, why: string): Retryable {
  return new RestartFromZero(partial, `${why}; starting again from zero`);
}

export class RestartFromZero extends Retryable {
  constructor(
    readonly partial: string,
    message: string,
  ) {
    super(message);
  }
}

function describe(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  return [err.message, err.cause?.code ?? err.cause?.message].filter(Boolean).join(' ');
}
