/**
 * The masking probability over training (MaskingSchedule in src/config/types.ts), as a function
 * of the fraction of training done: t = step / totalSteps for the 0-based optimiser step.
 */
import type { MaskingSchedule } from '../../config/types.ts';

export function maskProbability(schedule: MaskingSchedule, step: number, totalSteps: number): number {
  const t = totalSteps <= 0 ? 0 : Math.min(1, Math.max(0, step / totalSteps));
  switch (schedule.kind) {
    case 'constant':
      return schedule.p;
    case 'linear':
      return schedule.from + (schedule.to - schedule.from) * t;
    case 'cosine':
      return schedule.to + (schedule.from - schedule.to) * 0.5 * (1 + Math.cos(Math.PI * t));
    case 'step': {
      let i = 0;
      while (i < schedule.boundaries.length && t >= schedule.boundaries[i]!) i++;
      return schedule.values[i]!;
    }
  }
}
