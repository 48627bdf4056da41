/**
 * What dapt hands to `sbatch` for one stage (pure): the arguments and the batch script. The script
 * `exec`s the same `dapt stage <spec.json>` the local executor runs, so Slurm's signals (scancel,
 * the time limit) reach the stage process itself, which checkpoints and stops.
 */
import type { SlurmResources, SlurmSettings } from './types.ts';

/** Seconds before the time limit at which the stage gets SIGTERM, so it checkpoints before SIGKILL. */
export const SIGTERM_BEFORE_LIMIT_SECONDS = 120;
const NAME_LENGTH = 64;

export interface StageJobRequest {
  key: string;
  title: string;
  stageDir: string;
  logPath: string;
  resources: SlurmResources;
  /** Job ids of parents still queued or running. */
  dependencies: readonly string[];
}

/** `dapt-finetune_toy_s1_baseline-08ccfe24`: readable in squeue, unique by the key prefix. */
export function jobName(title: string, key: string): string {
  const readable = title.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '');
  return `dapt-${readable}`.slice(0, NAME_LENGTH - 9) + `-${key.slice(0, 8)}`;
}

function siteArgs(settings: Pick<SlurmSettings, 'partition' | 'account'>): string[] {
  return [...(settings.partition ? [`--partition=${settings.partition}`] : []), ...(settings.account ? [`--account=${settings.account}`] : [])];
}

function resourceArgs(r: SlurmResources): string[] {
  return [`--cpus-per-task=${r.cpus}`, `--mem=${r.mem}`, `--time=${r.time}`, ...(r.gpus > 0 ? [`--gres=gpu:${r.gpus}`] : [])];
}

export function stageSbatchArgs(job: StageJobRequest, settings: Pick<SlurmSettings, 'partition' | 'account' | 'extraArgs'>): string[] {
  return [
    '--parsable',
    `--job-name=${jobName(job.title, job.key)}`,
    // Without it the job runs in the submit directory's namesake on the node, or in /tmp.
    `--chdir=${job.stageDir}`,
    `--output=${job.logPath}`,
    '--open-mode=append',
    ...resourceArgs(job.resources),
    `--signal=B:TERM@${SIGTERM_BEFORE_LIMIT_SECONDS}`,
    ...siteArgs(settings),
    ...(job.dependencies.length ? [`--dependency=afterok:${job.dependencies.join(':')}`, '--kill-on-invalid-dep=yes'] : []),
    ...settings.extraArgs,
  ];
}

/** POSIX shell single-quoting. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface StageScript {
  title: string;
  key: string;
  attempt: number;
  /** argv of `dapt stage <spec.json>`, from the node binary on. */
  command: readonly string[];
  /** Manifests of the parents: checked first, because Slurm drops a dependency on a job it has already purged. */
  parentManifests: readonly string[];
  setup: readonly string[];
  /** Exported in the script itself, so it reaches the stage even under `--export=NONE`. */
  env: Readonly<Record<string, string>>;
}

export function stageScript(s: StageScript): string {
  const checks = s.parentManifests.map(
    (m) => `[ -f ${shellQuote(m)} ] || { echo "dapt: parent output ${m.replace(/["$`\\]/g, '')} is missing (a parent stage did not finish); not starting"; exit 3; }`,
  );
  return [
    '#!/bin/sh',
    `# dapt stage ${s.key} (${s.title.replace(/\n/g, ' ')}), attempt ${s.attempt}`,
    ...s.setup,
    ...Object.entries(s.env).map(([k, v]) => `export ${k}=${shellQuote(v)}`),
    ...checks,
    `exec ${s.command.map(shellQuote).join(' ')}`,
    '',
  ].join('\n');
}

export interface ProbeRequest {
  dir: string;
  /** File the job writes; dapt checks it appears on this side. */
  marker: string;
  /** Paths the job must see (the node binary, dapt's entry point). */
  mustExist: readonly string[];
}

/** A tiny job that proves nodes see the run store (and dapt) at the same paths. */
export function probeSbatchArgs(p: ProbeRequest, settings: Pick<SlurmSettings, 'partition' | 'account' | 'extraArgs'>): string[] {
  return [
    '--parsable',
    '--job-name=dapt-store-check',
    `--chdir=${p.dir}`,
    `--output=${p.dir}/probe-%j.out`,
    ...siteArgs(settings),
    ...settings.extraArgs,
    // After the user's arguments: this job needs almost nothing, whatever the site's defaults.
    '--ntasks=1',
    '--cpus-per-task=1',
    '--mem=64M',
    '--time=5',
  ];
}

export function probeScript(p: ProbeRequest, setup: readonly string[]): string {
  const checks = p.mustExist.map((f) => `[ -e ${shellQuote(f)} ] || { echo "dapt: ${f.replace(/["$`\\]/g, '')} does not exist on $(hostname)"; exit 3; }`);
  return ['#!/bin/sh', '# dapt: checks that jobs see the run store and dapt at the same paths', ...setup, ...checks, `hostname > ${shellQuote(p.marker)}`, ''].join('\n');
}
