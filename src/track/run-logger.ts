/**
 * `openRunLogger`: logging from a stage process, built from its spec's TrackingHandle alone
 * (credentials come from the environment). Buffers records and writes them on flush; nothing it
 * does throws, since tracking must never stop training.
 */
import { prepareBatch } from './prepare-batch.ts';
import { writerFor } from './tracking.ts';
import type { MetricPoint, ParamValue, RunLogger, RunStatus, TrackingHandle, TrackingOptions } from './types.ts';
import { warnOnce } from './warnings.ts';

/** Buffered metric points, or seconds since the last flush, that trigger a flush in the background. */
const AUTO_FLUSH_POINTS = 5000;
const AUTO_FLUSH_MS = 15_000;

export function openRunLogger(handle: TrackingHandle, opts: TrackingOptions & { env?: NodeJS.ProcessEnv } = {}): RunLogger {
  const warn = warnOnce(opts.onWarning);
  const env = opts.env ?? process.env;
  let writer: ReturnType<typeof writerFor> | null = null;
  try {
    writer = writerFor(handle.uri, handle.outbox, env, opts, warn);
  } catch (e) {
    warn(`tracking disabled for this stage: ${(e as Error).message}`);
  }

  let metrics: MetricPoint[] = [];
  let params: Record<string, ParamValue> = {};
  let tags: Record<string, string> = {};
  let artifacts: { localPath: string; artifactPath?: string }[] = [];
  let chain: Promise<void> = Promise.resolve();
  let lastFlush = Date.now();

  const writeBuffered = async (): Promise<void> => {
    const batch = prepareBatch({ metrics, params, tags }, warn);
    const files = artifacts;
    metrics = [];
    params = {};
    tags = {};
    artifacts = [];
    if (!writer) return;
    await writer.logBatch(handle, batch);
    for (const a of files) await writer.logArtifact(handle, a.localPath, a.artifactPath);
  };

  const flush = (): Promise<void> => {
    lastFlush = Date.now();
    chain = chain.then(writeBuffered).catch((e) => warn(`tracking: ${(e as Error).message}`));
    return chain;
  };

  return {
    metrics(step, values, timestamp = Date.now()) {
      for (const [key, value] of Object.entries(values)) metrics.push({ key, value, timestamp, step });
      // In the background, so that a slow store never holds up a training step.
      if (metrics.length >= AUTO_FLUSH_POINTS || Date.now() - lastFlush >= AUTO_FLUSH_MS) void flush();
    },
    params(values) {
      Object.assign(params, values);
    },
    tags(values) {
      Object.assign(tags, values);
    },
    artifact(localPath, artifactPath) {
      artifacts.push(artifactPath === undefined ? { localPath } : { localPath, artifactPath });
    },
    flush,
    async finish(status: RunStatus) {
      await flush();
      chain = chain
        .then(() => writer?.updateRun(handle, status, Date.now()))
        .catch((e) => warn(`tracking: ${(e as Error).message}`));
      await chain;
    },
  };
}
