/**
 * The `mlflow-rest` backend: a small typed client of the MLflow REST API over `fetch`.
 * (Not the npm `mlflow` package: it is unmaintained and calls endpoints removed in MLflow 2.0.)
 *
 * Requests that must not run twice (runs/create, log-batch with metrics) are retried only after
 * checking what reached the server: the run is looked up by its client id tag, metrics by
 * (key, step, timestamp, value) in their history.
 */
import { openAsBlob } from 'node:fs';
import { copyFile, cp, mkdir, readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { TrackingError, isTrackingError } from '../errors.ts';
import { safeArtifactPath } from '../artifact-path.ts';
import { CLIENT_RUN_ID_TAG } from '../system-tags.ts';
import { MLFLOW_LIMITS, codePointLength } from '../mlflow-names.ts';
import { withoutLogged } from '../metric-identity.ts';
import { logBatchBody } from '../split-batch.ts';
import type { CreateRunRequest, CreatedRun, LogBatch, MetricPoint, RetryPolicy, RunRef, RunStatus, TrackingBackend } from '../types.ts';
import { artifactFileUrl, artifactTarget } from './artifact-url.ts';
import { MlflowHttp } from './http.ts';

const API = '/api/2.0/mlflow';
/** Largest page `metrics/get-history` serves (MLflow rejects more). */
export const HISTORY_PAGE = 25_000;

interface RunInfoJson {
  run_id: string;
  experiment_id: string;
  artifact_uri: string;
}
interface ExperimentJson {
  experiment_id: string;
  lifecycle_stage?: string;
}

const missing = (e: unknown): boolean =>
  isTrackingError(e) && (e.mlflowCode === 'RESOURCE_DOES_NOT_EXIST' || (e.status === 404 && e.mlflowCode === undefined));

export class RestBackend implements TrackingBackend {
  readonly name = 'mlflow-rest' as const;
  readonly uri: string;
  readonly #http: MlflowHttp;
  readonly #experiments = new Map<string, string>();
  readonly #artifactUris = new Map<string, string>();

  constructor(uri: string, env: NodeJS.ProcessEnv, policy: RetryPolicy) {
    this.uri = uri;
    this.#http = new MlflowHttp(uri, env, policy);
  }

  async experimentIdFor(name: string): Promise<string> {
    if (name === '' || codePointLength(name) > MLFLOW_LIMITS.experimentNameLength) {
      throw new TrackingError(`invalid MLflow experiment name ${JSON.stringify(name)}: it must be 1 to ${MLFLOW_LIMITS.experimentNameLength} characters`, { transient: false });
    }
    const cached = this.#experiments.get(name);
    if (cached !== undefined) return cached;
    let experiment = await this.#experimentByName(name);
    if (!experiment) {
      try {
        const created = await this.#http.request<{ experiment_id: string }>({ method: 'POST', path: `${API}/experiments/create`, json: { name }, idempotent: true });
        experiment = { experiment_id: created.experiment_id };
      } catch (e) {
        // Another process created it first (or our earlier attempt did): use that one.
        if (!isTrackingError(e) || e.mlflowCode !== 'RESOURCE_ALREADY_EXISTS') throw e;
        experiment = await this.#experimentByName(name);
        if (!experiment) throw e;
      }
    }
    if (experiment.lifecycle_stage === 'deleted') {
      throw new TrackingError(
        `MLflow experiment "${name}" (id ${experiment.experiment_id}) is deleted on ${this.uri}; restore it (mlflow experiments restore) or choose another name`,
        { transient: false },
      );
    }
    this.#experiments.set(name, experiment.experiment_id);
    return experiment.experiment_id;
  }

  async #experimentByName(name: string): Promise<ExperimentJson | null> {
    try {
      const r = await this.#http.request<{ experiment: ExperimentJson }>({
        method: 'GET',
        path: `${API}/experiments/get-by-name`,
        query: { experiment_name: name },
        idempotent: true,
      });
      return r.experiment;
    } catch (e) {
      if (missing(e)) return null;
      throw e;
    }
  }

  async createRun(req: CreateRunRequest): Promise<CreatedRun> {
    const body = { experiment_id: req.experimentId, user_id: req.userId, run_name: req.runName, start_time: req.startTime, tags: req.tags };
    const clientId = req.tags.find((t) => t.key === CLIENT_RUN_ID_TAG)?.value;
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await this.#http.request<{ run: { info: RunInfoJson } }>({ method: 'POST', path: `${API}/runs/create`, json: body, idempotent: false });
        return this.#remember(r.run.info);
      } catch (e) {
        if (!isTrackingError(e) || !e.mayHaveApplied || !e.transient || clientId === undefined || attempt >= this.#http.retries) throw e;
        await this.#http.backoff(attempt);
        const found = await this.#reconcile(e, () => this.findRunByTag(req.experimentId, CLIENT_RUN_ID_TAG, clientId));
        if (found) return found;
      }
    }
  }

  /** Runs a check after an unsure failure; if the check itself fails, the original doubt stays. */
  async #reconcile<T>(original: TrackingError, check: () => Promise<T>): Promise<T> {
    try {
      return await check();
    } catch (e) {
      const message = `${original.message}; then could not check what reached the server: ${(e as Error).message}`;
      throw new TrackingError(message, { transient: true, mayHaveApplied: true, cause: e });
    }
  }

  #remember(info: RunInfoJson): CreatedRun {
    this.#artifactUris.set(info.run_id, info.artifact_uri);
    return { runId: info.run_id, experimentId: info.experiment_id, artifactUri: info.artifact_uri };
  }

  async findRunByTag(experimentId: string, key: string, value: string): Promise<CreatedRun | null> {
    if (!/^[\w.-]+$/.test(key) || !/^[\w-]+$/.test(value)) throw new TrackingError(`cannot search MLflow runs by ${key}=${value}`, { transient: false });
    const r = await this.#http.request<{ runs?: { info: RunInfoJson }[] }>({
      method: 'POST',
      path: `${API}/runs/search`,
      json: { experiment_ids: [experimentId], filter: `tags.\`${key}\` = '${value}'`, run_view_type: 'ALL', max_results: 1 },
      idempotent: true,
    });
    const info = r.runs?.[0]?.info;
    return info ? this.#remember(info) : null;
  }

  async logBatch(run: RunRef, batch: LogBatch): Promise<void> {
    if (batch.metrics.length === 0 && batch.params.length === 0 && batch.tags.length === 1) {
      const tag = batch.tags[0]!;
      await this.#http.request({ method: 'POST', path: `${API}/runs/set-tag`, json: { run_id: run.runId, key: tag.key, value: tag.value }, idempotent: true });
      return;
    }
    let pending = batch;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#http.request({ method: 'POST', path: `${API}/runs/log-batch`, json: logBatchBody(run.runId, pending), idempotent: pending.metrics.length === 0 });
        return;
      } catch (e) {
        if (!isTrackingError(e) || !e.mayHaveApplied || !e.transient || attempt >= this.#http.retries) throw e;
        await this.#http.backoff(attempt);
        const metrics = await this.#reconcile(e, () => withoutLogged(this, run, pending.metrics));
        if (metrics.length === 0 && pending.params.length === 0 && pending.tags.length === 0) return;
        pending = { ...pending, metrics };
      }
    }
  }

  async updateRun(run: RunRef, status: RunStatus, endTime: number | null): Promise<void> {
    const json = { run_id: run.runId, status, ...(endTime === null ? {} : { end_time: endTime }) };
    await this.#http.request({ method: 'POST', path: `${API}/runs/update`, json, idempotent: true });
  }

  async #artifactUri(runId: string): Promise<string> {
    const known = this.#artifactUris.get(runId);
    if (known !== undefined) return known;
    const r = await this.#http.request<{ run: { info: RunInfoJson } }>({ method: 'GET', path: `${API}/runs/get`, query: { run_id: runId }, idempotent: true });
    return this.#remember(r.run.info).artifactUri;
  }

  async logArtifact(run: RunRef, localPath: string, artifactPath: string | undefined): Promise<void> {
    const sub = safeArtifactPath(artifactPath);
    const info = await stat(localPath).catch(() => null);
    if (!info) throw new TrackingError(`artifact ${localPath} does not exist`, { transient: false });
    const target = artifactTarget(this.uri, await this.#artifactUri(run.runId));
    if (target.kind === 'local') {
      const dest = join(target.dir, sub);
      await mkdir(dest, { recursive: true });
      if (info.isDirectory()) await cp(localPath, dest, { recursive: true, force: true });
      else await copyFile(localPath, join(dest, basename(localPath)));
      return;
    }
    const files = info.isDirectory() ? await listFiles(localPath) : [localPath];
    for (const file of files) {
      const rel = info.isDirectory() ? relative(localPath, file).split(sep).join('/') : basename(file);
      const url = artifactFileUrl(target.url, sub ? `${sub}/${rel}` : rel);
      await this.#http.request({ method: 'PUT', path: '', body: await openAsBlob(file), idempotent: true }, url);
    }
  }

  async metricHistory(run: RunRef, key: string): Promise<MetricPoint[]> {
    const out: MetricPoint[] = [];
    let pageToken: string | undefined;
    do {
      const r = await this.#http.request<{ metrics?: Array<Omit<MetricPoint, 'value'> & { value: number | string }>; next_page_token?: string }>({
        method: 'GET',
        path: `${API}/metrics/get-history`,
        query: { run_id: run.runId, metric_key: key, max_results: HISTORY_PAGE, page_token: pageToken },
        idempotent: true,
      });
      for (const m of r.metrics ?? []) out.push({ key: m.key, value: Number(m.value), timestamp: Number(m.timestamp), step: Number(m.step ?? 0) });
      pageToken = r.next_page_token || undefined;
    } while (pageToken);
    return out;
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out.sort();
}
