/**
 * Execution profiles: a small YAML file with where and how stages run on this site (executor,
 * Slurm partition, account, resources per stage kind, setup lines), kept out of experiment files
 * so one experiment runs unchanged on a laptop and on any cluster. Given with `--profile FILE` or
 * `DAPT_PROFILE`.
 *
 * Precedence, field by field: command-line flags > profile > the experiment file's `execution:`
 * > built-in defaults. Errors name file:line:col like experiment errors do. The definition is
 * schemas/profile.schema.json (editors complete it too).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { LineCounter, parseDocument } from 'yaml';
import profileSchema from '../../schemas/profile.schema.json' with { type: 'json' };
import { ConfigError, FileNotFoundError } from '../errors.ts';
import { formatIssues } from './format.ts';
import { Locator } from './locate.ts';
import type { ConfigIssue, ExecutionProfile, SlurmProfile } from './types.ts';

let validator: ReturnType<Ajv['compile']> | null = null;

function issueOf(e: ErrorObject, locator: Locator): ConfigIssue {
  const path: Array<string | number> = e.instancePath.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  if (e.keyword === 'additionalProperty' || e.keyword === 'additionalProperties') {
    const key = String((e.params as { additionalProperty: string }).additionalProperty);
    return locator.locate({ code: 'profile-unknown-key', path: [...path, key], message: `unknown key "${key}"`, at: 'key' });
  }
  const expected = e.keyword === 'pattern' ? (e.parentSchema as { description?: string } | undefined)?.description : undefined;
  return locator.locate({ code: 'profile-invalid', path, message: `${e.message ?? 'invalid value'}`, ...(expected ? { expected } : {}) });
}

/** Reads and validates a profile; throws ConfigError with located issues. */
export async function loadExecutionProfile(path: string, cwd: string): Promise<ExecutionProfile> {
  const file = resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new FileNotFoundError(file, 'profile file');
    throw e;
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const locator = new Locator({ file, text, doc, lines });
  const issues: ConfigIssue[] = doc.errors.map((e) => {
    const { line, col } = lines.linePos(e.pos[0]);
    return { code: 'yaml-syntax', path: [], message: `YAML syntax error: ${e.message}`, file, line, col };
  });
  const data: unknown = issues.length ? null : (doc.toJS() ?? {});
  if (!issues.length) {
    validator ??= new Ajv({ allErrors: true, strict: true }).compile(profileSchema);
    if (!validator(data)) issues.push(...(validator.errors ?? []).map((e) => issueOf(e, locator)));
  }
  if (issues.length) {
    throw new ConfigError(`${issues.length} problem${issues.length === 1 ? '' : 's'} in the profile ${path}:\n${formatIssues(issues, { cwd })}`, issues);
  }
  const raw = data as {
    executor?: string;
    jobs?: number;
    slurm?: { partition?: string; account?: string; gpus?: number; extra_args?: string[]; setup?: string[]; poll_seconds?: number; resources?: SlurmProfile['resources'] };
  };
  const s = raw.slurm;
  const slurm: SlurmProfile | null = s
    ? {
        ...(s.partition !== undefined ? { partition: s.partition } : {}),
        ...(s.account !== undefined ? { account: s.account } : {}),
        ...(s.gpus !== undefined ? { gpus: s.gpus } : {}),
        ...(s.extra_args !== undefined ? { extraArgs: s.extra_args } : {}),
        ...(s.setup !== undefined ? { setup: s.setup } : {}),
        ...(s.poll_seconds !== undefined ? { pollSeconds: s.poll_seconds } : {}),
        ...(s.resources !== undefined ? { resources: s.resources } : {}),
      }
    : null;
  return { file, executor: raw.executor ?? null, jobs: raw.jobs ?? null, slurm };
}
