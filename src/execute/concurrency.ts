/**
 * How many stages run at once on this machine.
 *
 * Heavy stages (pretraining, fine-tuning, evaluation, selection that embeds with a model) run
 * TF.js with a thread per core, so two of them on the same cores only slow each other down and
 * double the memory; we give each one up to CORES_PER_HEAVY cores and HEAVY_STAGE_BYTES of
 * memory, and never fewer than one slot. On a 2-core box that is one training stage at a time.
 * Light stages (random/TF-IDF selection, aggregation) are short and mostly I/O, so LIGHT_EXTRA
 * of them may overlap with training.
 *
 * With GPUs (and the tensorflow-gpu binding installed) it is one heavy stage per GPU instead,
 * each seeing only its own device, unless `--jobs` says otherwise. No GPU was available where
 * this was written: the GPU path is tested only as far as the ids given to stages.
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
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

export function localDefaultSlots(cores = availableParallelism(), freeBytes = freemem(), gpus: string[] = []): Slots {
  if (gpus.length > 0) return { heavy: gpus.length, total: gpus.length + LIGHT_EXTRA, devices: gpus };
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

/** The NVIDIA driver's one directory per GPU (Linux); none without the driver. */
function driverGpus(): string[] {
  try {
    return readdirSync('/proc/driver/nvidia/gpus');
  } catch {
    return [];
  }
}

/**
 * CUDA ids of the GPUs stages may use: CUDA_VISIBLE_DEVICES when set (empty or -1: none), else
 * one per GPU the driver lists. None when the tensorflow-gpu binding is not installed, since no
 * stage could use them.
 */
export function visibleGpus(env: NodeJS.ProcessEnv, listGpus: () => string[] = driverGpus, bindingInstalled = gpuBindingInstalled()): string[] {
  if (!bindingInstalled) return [];
  const given = env['CUDA_VISIBLE_DEVICES'];
  if (given !== undefined) return given.split(',').map((d) => d.trim()).filter((d) => d !== '' && !d.startsWith('-'));
  return listGpus().map((_, i) => String(i));
}

function gpuBindingInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node-gpu');
    return true;
  } catch {
    return false;
  }
}
