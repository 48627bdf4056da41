/**
 * Where to upload a run's artifact, from the run's `artifact_uri`: the server's artifact proxy for
 * `mlflow-artifacts:` URIs (as mlflow/store/artifact/mlflow_artifacts_repo.py resolves them), the
 * URI itself for `http(s):`, the local folder for `file:` (server and dapt share a file system).
 */
import { fileURLToPath } from 'node:url';
import { TrackingError } from '../errors.ts';

export const ARTIFACTS_API = '/api/2.0/mlflow-artifacts/artifacts';

export type ArtifactTarget = { kind: 'http'; url: string } | { kind: 'local'; dir: string };

const encodePath = (p: string): string =>
  p
    .split('/')
    .filter((s) => s !== '')
    .map(encodeURIComponent)
    .join('/');

/** The folder that holds the run's artifacts (append the artifact's relative path to it). */
export function artifactTarget(trackingUri: string, artifactUri: string): ArtifactTarget {
  const tracking = new URL(trackingUri);
  const base = `${tracking.origin}${tracking.pathname.replace(/\/+$/, '')}`;
  if (artifactUri.startsWith('mlflow-artifacts:')) {
    const parsed = new URL(artifactUri);
    const host = parsed.host ? `${tracking.protocol}//${parsed.host}${tracking.pathname.replace(/\/+$/, '')}` : base;
    return { kind: 'http', url: `${host}${ARTIFACTS_API}/${encodePath(decodeURIComponent(parsed.pathname))}` };
  }
  if (artifactUri.startsWith('http://') || artifactUri.startsWith('https://')) return { kind: 'http', url: artifactUri.replace(/\/+$/, '') };
  if (artifactUri.startsWith('file:')) return { kind: 'local', dir: fileURLToPath(artifactUri) };
  if (artifactUri.startsWith('/')) return { kind: 'local', dir: artifactUri };
  throw new TrackingError(
    `the MLflow server stores this run's artifacts at ${artifactUri}, which dapt cannot upload to; ` +
      'start the server with artifact proxying (mlflow server --serve-artifacts, the default since MLflow 2.0)',
    { transient: false },
  );
}

export function artifactFileUrl(folderUrl: string, relPath: string): string {
  return `${folderUrl}/${encodePath(relPath)}`;
}
