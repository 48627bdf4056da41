import { TrackingError } from './errors.ts';
import { pythonNormpath } from './mlflow-names.ts';

/** As MLflow's `verify_artifact_path`: relative and without `..`; '' means the artifact root. */
export function safeArtifactPath(artifactPath: string | undefined): string {
  if (artifactPath === undefined || artifactPath === '') return '';
  const norm = pythonNormpath(artifactPath.replaceAll('\\', '/'));
  if (norm === '.') return '';
  if (norm.startsWith('/') || norm === '..' || norm.startsWith('../')) {
    throw new TrackingError(`artifact path ${JSON.stringify(artifactPath)} must be relative and stay inside the run's artifacts`, { transient: false });
  }
  return norm;
}
