/**
 * Chooses and initialises the TF.js backend the trainer computes with:
 * tensorflow-gpu > tensorflow > wasm > cpu, unless one is requested (`--backend`, DAPT_BACKEND).
 */
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { DaptError } from '../../errors.ts';
import { opsFor } from '../ops/select.ts';
import { loadNativeTensorflow, packageFor } from './native-tf.ts';
import type { BackendInfo, BackendName } from './types.ts';
import { setUpWasm } from './wasm.ts';

export type { BackendInfo, BackendName } from './types.ts';

export const backendNames: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

const CPU_NOTE = 'the pure-JS cpu backend is far too slow to train with; use it only for tests and debugging';

let current: BackendInfo | null = null;

/** The backend initialised by initBackend, or null before it ran. */
export function currentBackend(): BackendInfo | null {
  return current;
}

/**
 * Initialises `requested` (or the best available for 'auto') and returns what runs. Calling it
 * again returns the same info unless a different backend is explicitly requested.
 */
export async function initBackend(requested: 'auto' | BackendName = 'auto'): Promise<BackendInfo> {
  if (requested !== 'auto' && !backendNames.includes(requested)) {
    throw new DaptError('DAPT_BACKEND_UNAVAILABLE', `unknown backend '${String(requested)}'; expected auto or one of ${backendNames.join(', ')}`);
  }
  if (current !== null && (requested === 'auto' || requested === current.name)) return current;
  // The union package registers every op's gradient (tfjs-core alone registers none); PROD keeps
  // tfjs from printing to the console (library code never prints).
  await import('@tensorflow/tfjs');
  tf.env().set('PROD', true);
  const notes: string[] = [];
  const order = requested === 'auto' ? backendNames.filter((n) => n !== 'cpu') : [requested];
  for (const name of order) {
    const info = await tryBackend(name, notes);
    if (info !== null) return (current = info);
  }
  if (requested !== 'auto') {
    throw new DaptError('DAPT_BACKEND_UNAVAILABLE', `backend '${requested}' is not available: ${notes.join('; ')}`, { detail: notes });
  }
  const info = await tryBackend('cpu', notes);
  if (info === null) throw new DaptError('DAPT_BACKEND_UNAVAILABLE', `no TF.js backend could be initialised: ${notes.join('; ')}`);
  return (current = info);
}

async function tryBackend(name: BackendName, notes: string[]): Promise<BackendInfo | null> {
  switch (name) {
    case 'tensorflow-gpu':
    case 'tensorflow': {
      const probe = await loadNativeTensorflow(name);
      if (!probe.ok) {
        notes.push(probe.reason);
        return null;
      }
      if (!(await setBackendSafely('tensorflow', notes, packageFor(name)))) return null;
      return { name, threads: availableParallelism(), simd: true, blas: null, ops: opsFor(name).name, notes: [...notes] };
    }
    case 'wasm': {
      try {
        const setup = await setUpWasm();
        return { name, threads: setup.threads, simd: setup.simd, blas: setup.blas, ops: opsFor(name).name, notes: [...notes, ...setup.notes] };
      } catch (e) {
        notes.push(`@tensorflow/tfjs-backend-wasm could not be initialised (${e instanceof Error ? e.message : String(e)})`);
        return null;
      }
    }
    case 'cpu': {
      await import('@tensorflow/tfjs-backend-cpu');
      if (!(await setBackendSafely('cpu', notes, '@tensorflow/tfjs-backend-cpu'))) return null;
      return { name, threads: 1, simd: false, blas: null, ops: opsFor(name).name, notes: [...notes, CPU_NOTE] };
    }
  }
}

async function setBackendSafely(tfName: string, notes: string[], pkg: string): Promise<boolean> {
  try {
    if (await tf.setBackend(tfName)) return true;
    notes.push(`${pkg} loaded but its backend failed to initialise`);
  } catch (e) {
    notes.push(`${pkg} failed to initialise (${e instanceof Error ? e.message : String(e)})`);
  }
  return false;
}
