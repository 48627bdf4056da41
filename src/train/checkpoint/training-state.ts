/**
 * Training checkpoints (`work/checkpoint/`): weights, AdamW moments and a JSON state (step,
 * data position, the loop's running statistics; the RNG needs only the seed because every draw
 * is counter-based). Written as a whole directory swapped in atomically, so a kill -9 at any
 * moment leaves the previous checkpoint or the new one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DaptError } from '../../errors.ts';
import { recoverDir, replaceDir, writeFileSynced } from './atomic-dir.ts';
import { readSafetensors, writeSafetensors, type TensorMap } from './safetensors.ts';

export const checkpointFormat = 1;

export interface CheckpointFiles<TState> {
  state: TState;
  weights: TensorMap;
  optimizer: TensorMap;
  /** Further named tensor sets (e.g. fine-tuning's best-on-dev weights). */
  extra: Record<string, TensorMap>;
}

export async function saveCheckpoint<TState extends object>(dir: string, files: CheckpointFiles<TState>): Promise<void> {
  await replaceDir(dir, (tmp) => {
    writeSafetensors(join(tmp, 'weights.safetensors'), files.weights);
    writeSafetensors(join(tmp, 'optimizer.safetensors'), files.optimizer);
    for (const [name, tensors] of Object.entries(files.extra)) writeSafetensors(join(tmp, `${name}.safetensors`), tensors);
    // state last: its presence marks a complete checkpoint even before the swap
    writeFileSynced(join(tmp, 'state.json'), JSON.stringify({ format: checkpointFormat, extra: Object.keys(files.extra), ...files.state }, null, 1));
  });
}

/** The checkpoint in `dir`, or null when there is none. `kind` guards against foreign state. */
export function loadCheckpoint<TState extends object>(dir: string, kind: string): CheckpointFiles<TState> | null {
  recoverDir(dir);
  const stateFile = join(dir, 'state.json');
  if (!existsSync(stateFile)) return null;
  let raw: { format?: number; kind?: string; extra?: string[] } & Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(stateFile, 'utf8')) as typeof raw;
  } catch (e) {
    throw new DaptError('DAPT_CHECKPOINT_INVALID', `${stateFile} is not valid JSON (${(e as Error).message}); delete ${dir} to restart the stage`);
  }
  if (raw.format !== checkpointFormat || raw.kind !== kind) {
    throw new DaptError('DAPT_CHECKPOINT_INVALID', `${dir} holds a ${raw.kind ?? 'unknown'} checkpoint of format ${raw.format}; expected ${kind} format ${checkpointFormat}. Delete it to restart the stage`);
  }
  const extra: Record<string, TensorMap> = {};
  for (const name of raw.extra ?? []) extra[name] = readSafetensors(join(dir, `${name}.safetensors`)).tensors;
  return {
    state: raw as unknown as TState,
    weights: readSafetensors(join(dir, 'weights.safetensors')).tensors,
    optimizer: readSafetensors(join(dir, 'optimizer.safetensors')).tensors,
    extra,
  };
}
