/**
 * HTTP for the MLflow REST API over `fetch`: authentication from MLflow's environment variables,
 * retries with exponential backoff on network errors, 5xx and 429 (never on other 4xx), and errors
 * that say what the server answered even when it answers an HTML page.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { TrackingError } from '../errors.ts';
import type { RetryPolicy } from '../types.ts';

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, baseDelayMs: 250, timeoutMs: 30_000 };

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** Path below the tracking URI, e.g. `/api/2.0/mlflow/runs/create`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  body?: Blob;
  /** Retries for this call; defaults to the policy's. */
  retries?: number;
  /**
   * False for requests that must not be repeated blindly (creating a run, logging metrics): they
   * are retried only when the failure proves nothing reached the server; otherwise the error is
   * thrown with `mayHaveApplied` and the caller reconciles before sending again.
   */
  idempotent: boolean;
}

/** Errors from connecting (nothing was sent), as opposed to a request cut off midway. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export function authHeaders(env: NodeJS.ProcessEnv): Record<string, string> {
  if (env.MLFLOW_TRACKING_TOKEN) return { authorization: `Bearer ${env.MLFLOW_TRACKING_TOKEN}` };
  if (env.MLFLOW_TRACKING_USERNAME && env.MLFLOW_TRACKING_PASSWORD !== undefined) {
    const basic = Buffer.from(`${env.MLFLOW_TRACKING_USERNAME}:${env.MLFLOW_TRACKING_PASSWORD}`).toString('base64');
    return { authorization: `Basic ${basic}` };
  }
  return {};
}

/** A short, readable excerpt of an error body: JSON `message`, or HTML/text without tags. */
export function errorSnippet(text: string, max = 200): { snippet: string; mlflowCode?: string } {
  try {
    const j = JSON.parse(text) as { error_code?: unknown; message?: unknown };
    if (j && typeof j === 'object' && (typeof j.message === 'string' || typeof j.error_code === 'string')) {
      const code = typeof j.error_code === 'string' ? j.error_code : undefined;
      const msg = typeof j.message === 'string' ? j.message : '';
      return { snippet: [code, msg].filter(Boolean).join(': ').slice(0, max), ...(code ? { mlflowCode: code } : {}) };
    }
  } catch {
    // not JSON: an HTML error page from a proxy or the server's own
  }
  const plain = text
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  return { snippet: plain.length > max ? `${plain.slice(0, max)}…` : plain };
}

export class MlflowHttp {
  readonly baseUrl: string;
  readonly #headers: Record<string, string>;
  readonly #policy: RetryPolicy;

  constructor(trackingUri: string, env: NodeJS.ProcessEnv, policy: RetryPolicy) {
    this.baseUrl = trackingUri.replace(/\/+$/, '');
    this.#headers = authHeaders(env);
    this.#policy = policy;
  }

  /** The parsed JSON answer of a 2xx response ({} for an empty body). */
  async request<T = Record<string, unknown>>(req: HttpRequest, url = this.#url(req)): Promise<T> {
    const retries = req.retries ?? this.#policy.retries;
    let unsure = false;
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.#once(req, url)) as T;
      } catch (e) {
        const err = e as TrackingError;
        unsure ||= err.mayHaveApplied;
        const retryable = err.transient && (err.status === undefined || err.status >= 500 || err.status === 429);
        if (!retryable || attempt >= retries || (!req.idempotent && err.mayHaveApplied)) {
          if (!unsure || err.mayHaveApplied) throw err;
          throw new TrackingError(err.message, { transient: err.transient, mayHaveApplied: true, status: err.status, mlflowCode: err.mlflowCode, cause: err });
        }
        await this.backoff(attempt);
      }
    }
  }

  /** Waits before retry number `attempt + 1`: exponential, with jitter. */
  async backoff(attempt: number): Promise<void> {
    const delay = this.#policy.baseDelayMs * 2 ** attempt;
    await sleep(delay / 2 + Math.random() * (delay / 2));
  }

  get retries(): number {
    return this.#policy.retries;
  }

  #url(req: HttpRequest): string {
    const url = new URL(this.baseUrl + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.href;
  }

  async #once(req: HttpRequest, url: string): Promise<unknown> {
    const where = `${req.method} ${new URL(url).pathname}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: req.method,
        headers: {
          ...this.#headers,
          ...(req.json !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(req.body !== undefined ? { 'content-type': 'application/octet-stream' } : {}),
        },
        body: req.json !== undefined ? JSON.stringify(req.json) : req.body,
        signal: AbortSignal.timeout(this.#policy.timeoutMs),
      });
    } catch (e) {
      const code = (e as { cause?: { code?: string } }).cause?.code ?? (e as NodeJS.ErrnoException).code;
      const reason = (e as Error).name === 'TimeoutError' ? `no answer within ${this.#policy.timeoutMs} ms` : code ?? (e as Error).message;
      throw new TrackingError(`MLflow server ${this.baseUrl} unreachable (${where}): ${reason}`, {
        transient: true,
        mayHaveApplied: !(code && NOT_SENT.has(code)),
        cause: e,
      });
    }
    const text = await res.text().catch(() => '');
    if (res.ok) {
      if (text.trim() === '') return {};
      try {
        return JSON.parse(text);
      } catch {
        throw new TrackingError(`MLflow server answered ${where} with non-JSON: ${errorSnippet(text).snippet}`, {
          transient: true,
          mayHaveApplied: true,
          status: res.status,
        });
      }
    }
    const { snippet, mlflowCode } = errorSnippet(text);
    const hint = res.status === 401 || res.status === 403 ? ' (set MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD)' : '';
    throw new TrackingError(`MLflow server answered ${where} with ${res.status} ${res.statusText}${hint}: ${snippet || '(empty body)'}`, {
      // 401/403: fix the credentials and `dapt sync`; 5xx/429: the server may recover.
      transient: res.status >= 500 || res.status === 429 || res.status === 401 || res.status === 403,
      mayHaveApplied: res.status >= 500,
      status: res.status,
      ...(mlflowCode ? { mlflowCode } : {}),
    });
  }
}
