/**
 * Learning-rate multipliers: linear warm-up, then linear or cosine decay to zero (or constant).
 * `s` is the 0-based index of the optimiser update; warm-up reaches the full rate on its last
 * step and decay ends one step short of zero, so no update is wasted at lr 0.
 */
import type { Warmup } from '../../config/types.ts';

export type Decay = 'linear' | 'cosine' | 'constant';

export function warmupSteps(warmup: Warmup, totalSteps: number): number {
  const w = 'steps' in warmup ? warmup.steps : Math.ceil(warmup.ratio * totalSteps);
  return Math.max(0, Math.min(w, totalSteps));
}

/** Multiplier in [0, 1] for update `s` of `total` with `warmup` warm-up steps. */
export function lrMultiplier(s: number, total: number, warmup: number, decay: Decay): number {
  if (s < warmup) return (s + 1) / warmup;
  if (decay === 'constant' || total <= warmup) return 1;
  const progress = (s - warmup) / (total - warmup);
  if (decay === 'linear') return Math.max(0, 1 - progress);
  return 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
}
