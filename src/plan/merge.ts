/** Union of plans from several experiment files: shared stages appear once, their labels merged. */
import { InternalError } from '../errors.ts';
import { PlanBuilder } from './builder.ts';
import { PLAN_FORMAT_VERSION } from './key.ts';
import type { Plan, PlannedExperiment } from './types.ts';

/** Merges plans in order; the result is still topologically ordered and deterministic. */
export function mergePlans(plans: Plan[]): Plan {
  const builder = new PlanBuilder();
  const experiments: PlannedExperiment[] = [];
  const seen = new Set<string>();
  for (const plan of plans) {
    if (plan.formatVersion !== PLAN_FORMAT_VERSION) {
      throw new InternalError(`cannot merge a plan of format ${plan.formatVersion} into format ${PLAN_FORMAT_VERSION}`);
    }
    for (const stage of plan.stages) builder.addStage(stage);
    for (const e of plan.experiments) {
      // The same file given twice plans the same aggregate: list it once.
      const id = `${e.file}\u0000${e.aggregate}`;
      if (!seen.has(id)) {
        seen.add(id);
        experiments.push(e);
      }
    }
  }
  return { formatVersion: PLAN_FORMAT_VERSION, experiments, stages: builder.stages() };
}
