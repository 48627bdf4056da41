/**
 * Stage runners by kind. Each is imported on demand, so a select or aggregate stage process
 * never loads TF.js. `trainer: 'fake'` (tests only) swaps in the deterministic fake runners.
 */
import type { StageKind } from '../plan/types.ts';
import type { StageRunner } from './types.ts';

const realRunners: Record<StageKind, () => Promise<StageRunner>> = {
  select: async () => (await import('./select.ts')).runner,
  pretrain: async () => (await import('./pretrain.ts')).runner,
  finetune: async () => (await import('./finetune.ts')).runner,
  evaluate: async () => (await import('./evaluate.ts')).runner,
  aggregate: async () => (await import('./aggregate.ts')).runner,
};

export async function loadRunner(kind: StageKind, trainer: 'real' | 'fake'): Promise<StageRunner> {
  if (trainer === 'fake') return (await import('./fake.ts')).fakeRunner(kind);
  const load = realRunners[kind];
  if (!load) throw new Error(`no runner for stage kind "${kind}"`);
  return load();
}
