/**
 * Downloads one URL to one path so that nothing half-written is ever taken as done: bytes go to
 * `<dest>.partial` (kept between runs, so a cut download resumes with a Range request), are checked
 * against the pin, and only then renamed onto `dest`. Network faults, 408/429/5xx, timeouts and
 * truncated bodies are retried with backoff; 401/403/404 are not.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ChecksumError, DownloadError } from '../errors.ts';
import { attempt, RestartFromZero, Retryable, sizeOf } from './_attempt.ts';
import { digestFile, type Pin } from './digest.ts';

export interface FetchFileOptions {
  url: string;
  dest: string;
  /** null: unpinned; the digest it had is returned for the caller to report. */
  pin: Pin | null;
  headers?: Record<string, string>;
  /** Attempts after the first. */
  retries?: number;
  /** Wait before retry n (0-based); tests pass () => 0. */
  backoffMs?: (n: number) => number;
  idleTimeoutMs?: number;
  fetch?: typeof fetch;
  onProgress?: (received: number, total: number | null) => void;
  authHint?: string;
}

export interface Fetched {
  bytes: number;
  /** sha256 of the file (or the pin's digest when pinned with another algorithm). */
  digest: string;
  /** Bytes already there from an earlier, interrupted run. */
  resumedFrom: number;
}

export const partialPath = (dest: string): string => `${dest}.partial`;

export async function fetchFile(opts: FetchFileOptions): Promise<Fetched> {
  const partial = partialPath(opts.dest);
  const retries = opts.retries ?? 4;
  const backoff = opts.backoffMs ?? ((n: number) => 500 * 2 ** n);
  await mkdir(dirname(opts.dest), { recursive: true });
  const resumedFrom = await sizeOf(partial);
  let resumed = resumedFrom > 0;
  let lastProblem = '';
  for (let n = 0; n <= retries; n++) {
    if (n > 0) await new Promise((r) => setTimeout(r, backoff(n - 1)));
    try {
      await attempt({
        url: opts.url,
        partial,
        headers: opts.headers ?? {},
        idleTimeoutMs: opts.idleTimeoutMs ?? 30_000,
        fetch: opts.fetch ?? fetch,
        onBytes: opts.onProgress ?? (() => {}),
        authHint: opts.authHint ?? 'Check that the URL is public or that you have access to it',
      });
    } catch (e) {
      if (!(e instanceof Retryable)) throw e;
      if (e instanceof RestartFromZero) await rm(e.partial, { force: true });
      lastProblem = e.message;
      continue;
    }
    const algorithm = opts.pin?.algorithm ?? 'sha256';
    const digest = await digestFile(partial, algorithm);
    if (opts.pin && digest !== opts.pin.digest) {
      await rm(partial, { force: true });
      // Old bytes from an earlier run may be of another version of the file: one clean try more.
      if (resumed && n < retries) {
        resumed = false;
        lastProblem = 'checksum mismatch after resuming';
        continue;
      }
      throw new ChecksumError({ file: opts.dest, url: opts.url, algorithm, expected: opts.pin.digest, actual: digest });
    }
    const bytes = await sizeOf(partial);
    await rename(partial, opts.dest);
    return { bytes, digest, resumedFrom };
  }
  throw new DownloadError(
    `${opts.url}: ${lastProblem} (gave up after ${retries + 1} attempts). The bytes received are kept in ${partial}; run the same command again to resume.`,
    { url: opts.url },
  );
}
