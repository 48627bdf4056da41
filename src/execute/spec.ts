/** Builds the StageSpec the executor writes to `spec.json` before starting a stage process. */
import { mkdir } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import type { Stage, StageKey, StageKind } from '../plan/types.ts';
import type { StageSpec } from '../stages/types.ts';
import type { TrackingHandle } from '../track/types.ts';
import { stagePaths } from '../store/layout.ts';

/** What every spec of one run shares. */
export interface SpecDefaults {
  /** Absolute. */
  storeDir: string;
  /** Absolute. */
  dataRoot: string;
  backend: string;
  checkpointEverySeconds: number;
  trainer: 'real' | 'fake';
  allowLeakage?: boolean;
}

export function buildStageSpec(
  stage: Stage,
  kinds: ReadonlyMap<StageKey, StageKind>,
  defaults: SpecDefaults,
  tracking: TrackingHandle | null,
): StageSpec {
  const parents = stage.parents.map((key) => {
    const kind = kinds.get(key);
    if (!kind) throw new Error(`stage ${stage.key} has parent ${key}, which is not in the plan`);
    return { key, kind, dir: stagePaths(defaults.storeDir, key).work };
  });
  return {
    kind: stage.kind,
    params: stage.params,
    key: stage.key,
    title: stage.title,
    labels: stage.labels,
    parents,
    inputs: stage.inputs,
    dataRoot: defaults.dataRoot,
    storeDir: defaults.storeDir,
    stageDir: stagePaths(defaults.storeDir, stage.key).dir,
    backend: defaults.backend,
    checkpointEverySeconds: defaults.checkpointEverySeconds,
    tracking,
    trainer: defaults.trainer,
    ...(defaults.allowLeakage ? { allowLeakage: true } : {}),
  } as StageSpec;
}

export async function writeStageSpec(spec: StageSpec): Promise<string> {
  const paths = stagePaths(spec.storeDir, spec.key);
  await mkdir(paths.dir, { recursive: true });
  await writeFileAtomic(paths.spec, JSON.stringify(spec, null, 2) + '\n');
  return paths.spec;
}
