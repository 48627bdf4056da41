/**
 * Tracking stores by name, chosen by the tracking URI: `mlflow-rest` for http(s)://, `mlflow-file`
 * for file: URIs and plain paths (default: `<store>/mlruns`).
 */
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TrackingError } from './errors.ts';
import { FileStoreBackend } from './file-store/store.ts';
import { DEFAULT_RETRY } from './rest/http.ts';
import { RestBackend } from './rest/store.ts';
import type { BackendName, TrackingBackend, TrackingOptions, Warn } from './types.ts';

interface BackendFactory {
  accepts(uri: string): boolean;
  open(uri: string, env: NodeJS.ProcessEnv, options: TrackingOptions, warn: Warn): TrackingBackend;
}

export const trackingBackends: Record<BackendName, BackendFactory> = {
  'mlflow-file': {
    accepts: (uri) => uri.startsWith('file:'),
    open: (uri, _env, _options, warn) => new FileStoreBackend(fileURLToPath(uri), warn),
  },
  'mlflow-rest': {
    accepts: (uri) => /^https?:\/\//i.test(uri),
    open: (uri, env, options) => new RestBackend(uri, env, { ...DEFAULT_RETRY, ...options.retry }),
  },
};

/** The tracking URI for a run store: MLFLOW_TRACKING_URI if set, else `file://<store>/mlruns`. */
export function trackingUriFor(storeDir: string, env: NodeJS.ProcessEnv, cwd = process.cwd()): string {
  const configured = env.MLFLOW_TRACKING_URI?.trim();
  if (!configured) return pathToFileURL(join(resolve(cwd, storeDir), 'mlruns')).href;
  if (/^https?:\/\//i.test(configured)) return configured.replace(/\/+$/, '');
  if (configured.startsWith('file:')) return pathToFileURL(fileURLToPath(configured)).href;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(configured) || isAbsolute(configured)) return pathToFileURL(resolve(cwd, configured)).href;
  throw new TrackingError(
    `MLFLOW_TRACKING_URI=${configured} is not supported by dapt: use an MLflow server ` +
      `(MLFLOW_TRACKING_URI=http://host:5000, e.g. \`mlflow server --backend-store-uri ${configured}\`) ` +
      'or unset it to use the file store in the run store',
    { transient: false },
  );
}

export function backendNameFor(uri: string): BackendName {
  for (const [name, factory] of Object.entries(trackingBackends) as [BackendName, BackendFactory][]) {
    if (factory.accepts(uri)) return name;
  }
  throw new TrackingError(`no tracking store handles ${uri}`, { transient: false });
}

export function openBackend(uri: string, env: NodeJS.ProcessEnv, options: TrackingOptions, warn: Warn): TrackingBackend {
  return trackingBackends[backendNameFor(uri)].open(uri, env, options, warn);
}
