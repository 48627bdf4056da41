/** The planning layer's public API. Pure: no file system, no training, no tracking. */
export { planExperiment } from './planner.ts';
export { mergePlans } from './merge.ts';
export { STAGE_FORMAT_VERSION, PLAN_FORMAT_VERSION, STAGE_KEY_LENGTH, stageKey } from './key.ts';
export { canonicalJson, Canonicalizer } from './canonical.ts';
export { usedInputs, type UsedInputs } from './inputs.ts';
export type * from './types.ts';
