/**
 * The `mlflow-file` backend: writes an MLflow file store that `mlflow ui` / `mlflow server
 * --backend-store-uri <dir>` read as is. Layout and formats: ./layout.ts.
 *
 * Safe with several writer processes: one file per metric key, appended to with O_APPEND (each
 * flush is one write per key); meta.yaml/params/tags replaced atomically by rename; experiments
 * created with link(2) so the first creator wins and the others read its id.
 */
import { randomUUID } from 'node:crypto';
import { appendFile, copyFile, cp, mkdir, readFile, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { MLFLOW_LIMITS, codePointLength } from '../mlflow-names.ts';
import { safeArtifactPath } from '../artifact-path.ts';
import { TrackingError } from '../errors.ts';
import type { CreateRunRequest, CreatedRun, LogBatch, MetricPoint, RunRef, RunStatus, TrackingBackend, Warn } from '../types.ts';
import { createExclusive, writeAtomic } from './atomic-file.ts';
import {
  DEFAULT_EXPERIMENT_ID,
  DEFAULT_EXPERIMENT_NAME,
  SOURCE_TYPE_LOCAL,
  TRASH_FOLDER,
  experimentIdForName,
  metricLine,
  parsePythonFloat,
  paths,
  renderMetaYaml,
  statusCode,
  type ExperimentMeta,
  type RunMeta,
} from './layout.ts';

const RUN_NAME_TAG = 'mlflow.runName';
/** Folders in mlruns/ that are not experiments (FileStore._get_active_experiments). */
const NOT_EXPERIMENTS = new Set([TRASH_FOLDER, 'models']);

const permanent = (message: string, cause?: unknown) => new TrackingError(message, { transient: false, cause });

/** fs errors that no retry will fix: a key that is both a file and a folder, a missing run. */
function classify(e: unknown, what: string): TrackingError {
  if (e instanceof TrackingError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  const message = `${what}: ${(e as Error).message}`;
  if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST' || code === 'ENAMETOOLONG') return permanent(message, e);
  return new TrackingError(message, { transient: true, mayHaveApplied: true, cause: e });
}

export class FileStoreBackend implements TrackingBackend {
  readonly name = 'mlflow-file' as const;
  readonly uri: string;
  readonly root: string;
  readonly #warn: Warn;
  #ready: Promise<void> | undefined;
  readonly #experimentIds = new Map<string, string>();

  constructor(root: string, warn: Warn) {
    this.root = root;
    this.uri = pathToFileURL(root).href;
    this.#warn = warn;
  }

  /** As FileStore.__init__: the root, the Default experiment `0` and `.trash` exist. */
  async #init(): Promise<void> {
    this.#ready ??= (async () => {
      await mkdir(join(this.root, TRASH_FOLDER), { recursive: true });
      await this.#createExperiment(DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME);
    })();
    try {
      await this.#ready;
    } catch (e) {
      this.#ready = undefined;
      throw classify(e, `cannot initialise the MLflow file store at ${this.root}`);
    }
  }

  async #createExperiment(id: string, name: string): Promise<ExperimentMeta> {
    const dir = paths.experiment(this.root, id);
    await mkdir(dir, { recursive: true });
    const now = Date.now();
    const meta: ExperimentMeta = {
      artifact_location: pathToFileURL(dir).href,
      creation_time: now,
      experiment_id: id,
      last_update_time: now,
      lifecycle_stage: 'active',
      name,
    };
    if (await createExclusive(paths.meta(dir), renderMetaYaml(meta), dir)) return meta;
    return (await this.#readExperiment(dir))!;
  }

  async #readExperiment(dir: string): Promise<ExperimentMeta | null> {
    try {
      const meta = parse(await readFile(paths.meta(dir), 'utf8'), { version: '1.1' }) as ExperimentMeta | null;
      return meta && typeof meta === 'object' ? { ...meta, experiment_id: String(meta.experiment_id) } : null;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async #findExperiment(parent: string, name: string): Promise<ExperimentMeta | null> {
    let entries: string[];
    try {
      entries = await readdir(parent);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    for (const entry of entries.sort()) {
      if (NOT_EXPERIMENTS.has(entry) || entry.startsWith('.')) continue;
      const meta = await this.#readExperiment(join(parent, entry)).catch(() => null);
      if (meta?.name === name) return meta;
    }
    return null;
  }

  async experimentIdFor(name: string): Promise<string> {
    if (name === '' || codePointLength(name) > MLFLOW_LIMITS.experimentNameLength) {
      throw permanent(`invalid MLflow experiment name ${JSON.stringify(name)}: it must be 1 to ${MLFLOW_LIMITS.experimentNameLength} characters`);
    }
    const cached = this.#experimentIds.get(name);
    if (cached !== undefined) return cached;
    await this.#init();
    try {
      let found = await this.#findExperiment(this.root, name);
      if (!found) {
        const deleted = await this.#findExperiment(join(this.root, TRASH_FOLDER), name);
        if (deleted) {
          throw permanent(
            `MLflow experiment "${name}" exists in deleted state (${join(this.root, TRASH_FOLDER, deleted.experiment_id)}); ` +
              `restore it (mlflow experiments restore --experiment-id ${deleted.experiment_id}) or remove that folder`,
          );
        }
        for (let attempt = 0; !found; attempt++) {
          const meta = await this.#createExperiment(experimentIdForName(name, attempt), name);
          if (meta.name === name) found = meta;
        }
      }
      if (found.lifecycle_stage !== 'active') throw permanent(`MLflow experiment "${name}" is not active`);
      this.#experimentIds.set(name, found.experiment_id);
      return found.experiment_id;
    } catch (e) {
      throw classify(e, `cannot create MLflow experiment "${name}" in ${this.root}`);
    }
  }

  async createRun(req: CreateRunRequest): Promise<CreatedRun> {
    await this.#init();
    try {
      const expDir = paths.experiment(this.root, req.experimentId);
      const experiment = await this.#readExperiment(expDir);
      if (!experiment) throw permanent(`MLflow experiment ${req.experimentId} does not exist in ${this.root}`);
      const runId = randomUUID().replaceAll('-', '');
      const runDir = paths.run(this.root, req.experimentId, runId);
      // append_to_uri_path(artifact_location, run_id, "artifacts")
      const artifactUri = `${experiment.artifact_location.replace(/\/+$/, '')}/${runId}/artifacts`;
      const meta: RunMeta = {
        artifact_uri: artifactUri,
        deleted_time: null,
        end_time: null,
        entry_point_name: '',
        experiment_id: req.experimentId,
        lifecycle_stage: 'active',
        run_id: runId,
        run_name: req.runName,
        run_uuid: runId,
        source_name: '',
        source_type: SOURCE_TYPE_LOCAL,
        source_version: '',
        start_time: req.startTime,
        status: statusCode('RUNNING'),
        tags: [],
        user_id: req.userId,
      };
      await mkdir(runDir, { recursive: true });
      await writeAtomic(paths.meta(runDir), renderMetaYaml(meta), runDir);
      for (const sub of ['metrics', 'params', 'artifacts']) await mkdir(join(runDir, sub), { recursive: true });
      const tags = req.tags.some((t) => t.key === RUN_NAME_TAG) ? req.tags : [...req.tags, { key: RUN_NAME_TAG, value: req.runName }];
      for (const t of tags) await writeAtomic(paths.tag(runDir, t.key), t.value, runDir);
      return { runId, experimentId: req.experimentId, artifactUri };
    } catch (e) {
      throw classify(e, `cannot create an MLflow run in ${this.root}`);
    }
  }

  async findRunByTag(experimentId: string, key: string, value: string): Promise<CreatedRun | null> {
    const expDir = paths.experiment(this.root, experimentId);
    const entries = await readdir(expDir).catch(() => [] as string[]);
    for (const runId of entries) {
      const runDir = join(expDir, runId);
      const tag = await readFile(paths.tag(runDir, key), 'utf8').catch(() => null);
      if (tag !== value) continue;
      const meta = await this.#readRunMeta(runDir);
      if (meta) return { runId, experimentId, artifactUri: meta.artifact_uri };
    }
    return null;
  }

  async #readRunMeta(runDir: string): Promise<RunMeta | null> {
    try {
      return parse(await readFile(paths.meta(runDir), 'utf8'), { version: '1.1' }) as RunMeta;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  /** The run's folder (searching every experiment when the id is not known, as _find_run_root). */
  async #runDir(run: RunRef): Promise<string> {
    const candidates = run.experimentId
      ? [run.experimentId]
      : (await readdir(this.root).catch(() => [] as string[])).filter((e) => !NOT_EXPERIMENTS.has(e));
    for (const exp of candidates) {
      const dir = paths.run(this.root, exp, run.runId);
      if (await stat(paths.meta(dir)).then(() => true, () => false)) return dir;
    }
    throw permanent(`MLflow run ${run.runId} not found in ${this.root}`);
  }

  async logBatch(run: RunRef, batch: LogBatch): Promise<void> {
    try {
      const runDir = await this.#runDir(run);
      for (const p of batch.params) {
        const file = paths.param(runDir, p.key);
        const existing = await readFile(file, 'utf8').catch(() => null);
        if (existing === p.value) continue;
        if (existing !== null) {
          // MLflow params are immutable (FileStore._validate_new_param_value).
          this.#warn(`param ${JSON.stringify(p.key)} of run ${run.runId} is already ${JSON.stringify(existing)}; MLflow params cannot change, new value ignored`);
          continue;
        }
        await writeAtomic(file, p.value, runDir);
      }
      const byKey = new Map<string, string>();
      for (const m of batch.metrics) byKey.set(m.key, (byKey.get(m.key) ?? '') + metricLine(m.timestamp, m.value, m.step));
      for (const [key, lines] of byKey) {
        const file = paths.metric(runDir, key);
        await mkdir(join(file, '..'), { recursive: true });
        await appendFile(file, lines, { encoding: 'utf8', flag: 'a' });
      }
      for (const t of batch.tags) {
        await writeAtomic(paths.tag(runDir, t.key), t.value, runDir);
        if (t.key === RUN_NAME_TAG) await this.#rewriteMeta(runDir, (m) => ({ ...m, run_name: t.value }));
      }
    } catch (e) {
      throw classify(e, `cannot log to MLflow run ${run.runId}`);
    }
  }

  async #rewriteMeta(runDir: string, change: (m: RunMeta) => RunMeta): Promise<void> {
    const meta = await this.#readRunMeta(runDir);
    if (!meta) throw permanent(`MLflow run folder ${runDir} has no meta.yaml`);
    const { deleted_time: _dropped, ...rest } = change(meta);
    await writeAtomic(paths.meta(runDir), renderMetaYaml(rest), runDir);
  }

  async updateRun(run: RunRef, status: RunStatus, endTime: number | null): Promise<void> {
    try {
      const runDir = await this.#runDir(run);
      await this.#rewriteMeta(runDir, (m) => ({ ...m, status: statusCode(status), end_time: endTime ?? m.end_time }));
    } catch (e) {
      throw classify(e, `cannot update MLflow run ${run.runId}`);
    }
  }

  async logArtifact(run: RunRef, localPath: string, artifactPath: string | undefined): Promise<void> {
    try {
      const runDir = await this.#runDir(run);
      const meta = await this.#readRunMeta(runDir);
      if (!meta?.artifact_uri.startsWith('file:')) {
        throw permanent(`MLflow run ${run.runId} stores artifacts at ${meta?.artifact_uri ?? '?'}, which dapt cannot write to`);
      }
      const root = fileURLToPath(meta.artifact_uri);
      const sub = safeArtifactPath(artifactPath);
      const info = await stat(localPath).catch(() => null);
      if (!info) throw permanent(`artifact ${localPath} does not exist`);
      if (info.isDirectory()) {
        await cp(localPath, join(root, sub), { recursive: true, force: true });
        return;
      }
      const dest = join(root, sub, basename(localPath));
      await mkdir(join(dest, '..'), { recursive: true });
      const tmp = join(runDir, `.dapt-tmp-${process.pid}-${randomUUID()}`);
      await copyFile(localPath, tmp);
      await rename(tmp, dest).catch(async (e) => {
        await unlink(tmp).catch(() => undefined);
        throw e;
      });
    } catch (e) {
      throw classify(e, `cannot store artifact ${localPath} for MLflow run ${run.runId}`);
    }
  }

  async metricHistory(run: RunRef, key: string): Promise<MetricPoint[]> {
    try {
      const runDir = await this.#runDir(run);
      const text = await readFile(paths.metric(runDir, key), 'utf8').catch((e) => {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
        throw e;
      });
      return text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((line) => {
          // FileStore._get_metric_from_line: 2 or 3 space-separated fields, step defaults to 0.
          const [ts, value, step] = line.trim().split(' ');
          return { key, timestamp: Number(ts), value: parsePythonFloat(value ?? ''), step: step === undefined ? 0 : Number(step) };
        });
    } catch (e) {
      throw classify(e, `cannot read metric ${key} of MLflow run ${run.runId}`);
    }
  }
}
