/**
 * Whether fine-tuning converged, per (point, arm, task): a run converged when early stopping
 * ended it (its last `patience` epochs brought no dev improvement); a run that used every
 * epoch while still improving within the patience window ran out and is flagged.
 */
import type { FinetuneHparams, Stage, StageKey } from '../plan/types.ts';
import type { CellResult, Convergence } from './types.ts';

export function convergenceOf(cells: readonly CellResult[], finetunes: ReadonlyMap<StageKey, Stage>): Convergence[] {
  const groups = new Map<string, Convergence>();
  for (const c of cells) {
    const stage = finetunes.get(c.finetune.stage);
    if (stage?.kind !== 'finetune' || c.epochsRun == null || c.bestEpoch == null) continue;
    const hp: FinetuneHparams = stage.params.hparams;
    const key = JSON.stringify([c.point, c.arm, c.task]);
    const g = groups.get(key) ?? { point: c.point, arm: c.arm, task: c.task, maxEpochs: hp.epochs, patience: hp.patience, runs: 0, stoppedEarly: 0, ranOut: 0, ranOutSeeds: [], bestEpochs: [] };
    g.runs++;
    g.bestEpochs.push(c.bestEpoch);
    if (hp.patience > 0 && c.epochsRun - c.bestEpoch >= hp.patience) g.stoppedEarly++;
    else {
      g.ranOut++;
      g.ranOutSeeds.push(c.seed);
    }
    groups.set(key, g);
  }
  return [...groups.values()];
}
