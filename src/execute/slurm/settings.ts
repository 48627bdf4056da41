/**
 * The Slurm settings of one run, merged field by field from (lowest first) the built-in defaults,
 * the experiment file's `execution.slurm`, and the profile file's `slurm:`. `extra_args` and
 * `setup` lines are concatenated in that order, so the profile's copy of a repeated sbatch option
 * wins (sbatch honours the last one).
 */
import type { ExecutionSpec } from '../../config/types.ts';
import type { StageKind } from '../../plan/types.ts';
import type { ExecutionProfile } from '../../config/types.ts';
import type { SlurmResources, SlurmSettings } from './types.ts';

/**
 * Per kind: pretraining is the long one (DAPT runs 12.5k steps); fine-tuning, evaluation and
 * selection take one model each; aggregation only reads metrics files.
 */
export const DEFAULT_RESOURCES: Readonly<Record<StageKind, SlurmResources>> = {
  pretrain: { cpus: 8, mem: '32G', time: '24:00:00', gpus: 0 },
  finetune: { cpus: 4, mem: '16G', time: '8:00:00', gpus: 0 },
  evaluate: { cpus: 4, mem: '8G', time: '2:00:00', gpus: 0 },
  select: { cpus: 4, mem: '16G', time: '4:00:00', gpus: 0 },
  aggregate: { cpus: 1, mem: '2G', time: '0:30:00', gpus: 0 },
};

/** Kinds that may run a model and so get the GPUs asked for with `gpus:` (see stageResources). */
const GPU_KINDS: ReadonlySet<StageKind> = new Set(['pretrain', 'finetune', 'evaluate', 'select']);

export const DEFAULT_POLL_MS = 5000;

export function resolveSlurmSettings(execution: ExecutionSpec | null, profile: ExecutionProfile | null): SlurmSettings {
  const file = execution?.slurm ?? null;
  const prof = profile?.slurm ?? null;
  const gpus = prof?.gpus ?? file?.gpus ?? 0;
  const kinds = Object.keys(DEFAULT_RESOURCES) as StageKind[];
  const resources = Object.fromEntries(
    kinds.map((kind) => {
      const base = { ...DEFAULT_RESOURCES[kind], gpus: GPU_KINDS.has(kind) ? gpus : 0 };
      return [kind, { ...base, ...prof?.resources?.default, ...prof?.resources?.[kind] }];
    }),
  ) as Record<StageKind, SlurmResources>;
  return {
    partition: prof?.partition ?? file?.partition ?? null,
    account: prof?.account ?? file?.account ?? null,
    resources,
    extraArgs: [...(file?.extraArgs ?? []), ...(prof?.extraArgs ?? [])],
    setup: prof?.setup ?? [],
    pollMs: prof?.pollSeconds !== undefined ? Math.round(prof.pollSeconds * 1000) : DEFAULT_POLL_MS,
  };
}

/**
 * The resources one stage asks for: its kind's, without GPUs when the stage runs no model (a
 * TF-IDF or random selection, like aggregation, would hold a GPU it never uses).
 */
export function stageResources(settings: SlurmSettings, kind: StageKind, runsModel: boolean): SlurmResources {
  const resources = settings.resources[kind];
  return runsModel ? resources : { ...resources, gpus: 0 };
}
