/**
 * How many stages run at once on this machine.
 *
 * Heavy stages (pretraining, fine-tuning, evaluation, selection that embeds with a model) run
 * TF.js with a thread per core, so two of them on the same cores only slow each other down and
 * double the memory; we give each one up to CORES_PER_HEAVY cores and HEAVY_STAGE_BYTES of
 * memory, and never fewer than one slot. On a 2-core box that is one training stage at a time.
 * Light stages (random/TF-IDF selection, aggregation) are short and mostly I/O, so LIGHT_EXTRA
 * of them may overlap with training.
 */
import { availableParallelism, freemem } from 'node:os';
import type { Stage } from '../plan/types.ts';
import type { Slots } from './types.ts';

const CORES_PER_HEAVY = 4;
const HEAVY_STAGE_BYTES = 4 * 1024 ** 3;
const LIGHT_EXTRA = 2;

export function isHeavy(stage: Stage): boolean {
  switch (stage.kind) {
    case 'pretrain':
    case 'finetune':
    case 'evaluate':
      return true;
    case 'select':
      return stage.params.embedder?.kind === 'model';
    case 'aggregate':
      return false;
  }
}

export function localDefaultSlots(cores = availableParallelism(), freeBytes = freemem()): Slots {
  const byCores = Math.floor(cores / CORES_PER_HEAVY);
  const byMemory = Math.floor(freeBytes / HEAVY_STAGE_BYTES);
  const heavy = Math.max(1, Math.min(byCores, byMemory));
  return { heavy, total: heavy + LIGHT_EXTRA };
}

/** `--jobs N`: the user's number caps everything, heavy stages included. */
export function slotsFromJobs(jobs: number): Slots {
  return { total: jobs, heavy: jobs };
}

/**
 * Threads each heavy stage may use when `heavy` of them share this machine, so that BLAS and
 * kernel threads of parallel stages do not oversubscribe the cores. Null: no limit to impose.
 */
export function threadsPerHeavyStage(heavy: number, cores = availableParallelism()): number | null {
  return heavy > 1 ? Math.max(1, Math.floor(cores / heavy)) : null;
}
