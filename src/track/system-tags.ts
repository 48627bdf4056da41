/**
 * The tags MLflow's own client sets on every run (mlflow/tracking/context/default_context.py),
 * which dapt sets too unless the caller gave them, plus dapt's client-side run id.
 */
import { userInfo } from 'node:os';
import type { KeyValue } from './types.ts';

/** Client-side id of a run: makes creating it replayable exactly once (see rest/store.ts). */
export const CLIENT_RUN_ID_TAG = 'dapt.client_run_id';
export const PARENT_RUN_ID_TAG = 'mlflow.parentRunId';
export const RUN_NAME_TAG = 'mlflow.runName';

export function currentUser(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? env.LOGNAME ?? env.USERNAME ?? 'unknown';
  }
}

/** `mlflow.source.name` is the entry script, as MLflow uses `sys.argv[0]`. */
export function defaultRunTags(runName: string, env: NodeJS.ProcessEnv): Record<string, string> {
  return {
    [RUN_NAME_TAG]: runName,
    'mlflow.user': currentUser(env),
    'mlflow.source.name': process.argv[1] ?? 'dapt',
    'mlflow.source.type': 'LOCAL',
  };
}

export function tagValue(tags: KeyValue[], key: string): string | undefined {
  return tags.find((t) => t.key === key)?.value;
}
