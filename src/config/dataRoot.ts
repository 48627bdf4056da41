/** Where the data pack lives for a run. */
import { resolve } from 'node:path';
import type { Experiment } from './types.ts';

/**
 * Precedence: `--data-root` > `DAPT_DATA` > the file's `data_root` (already absolute, relative to
 * the YAML file) > `../shared/data` from the working directory. Always absolute.
 */
export function resolveDataRoot(opts: { flag?: string; env: NodeJS.ProcessEnv; experiment?: Experiment; cwd: string }): string {
  if (opts.flag !== undefined && opts.flag !== '') return resolve(opts.cwd, opts.flag);
  const env = opts.env.DAPT_DATA;
  if (env !== undefined && env !== '') return resolve(opts.cwd, env);
  if (opts.experiment?.dataRoot) return resolve(opts.cwd, opts.experiment.dataRoot);
  return resolve(opts.cwd, '../shared/data');
}
