/** All cross-field rules, in the order their issues are listed. */
import type { Rule } from '../issues.ts';
import { armReferencesExist, corpusReferencesExist, phaseReferencesExist, taskReferencesExist } from './references.ts';
import { armsDoNotRepeatPhases, baselineArmIsDefined, notDaptIsIrrelevant, randTaptIsSized, targetsArePlanned, taskTextIsAvailable, transferTaptUsesOtherTask } from './arms.ts';
import { budgetIsSingle, maskingProbabilityInRange, ratiosInRange, replaceSplitSumsToOne, scheduleEndsInRange, stepScheduleWellFormed } from './settings.ts';
import { baseHasOneKind } from './base.ts';
import { headsDivideHidden, seedsPresentAndUnique, sequencesFitPositions } from './model.ts';
import { randomExcludesOthers, randomRangesValid, sweepIsBounded, sweepPathsDistinct, sweepPathsExist, zipListsEqualLength } from './sweep.ts';

/** Rules on one experiment variant (the file without its sweep, and every sweep point). */
export const documentRules: Rule[] = [
  baseHasOneKind,
  corpusReferencesExist,
  taskReferencesExist,
  armReferencesExist,
  phaseReferencesExist,
  armsDoNotRepeatPhases,
  notDaptIsIrrelevant,
  randTaptIsSized,
  transferTaptUsesOtherTask,
  taskTextIsAvailable,
  baselineArmIsDefined,
  targetsArePlanned,
  maskingProbabilityInRange,
  scheduleEndsInRange,
  stepScheduleWellFormed,
  replaceSplitSumsToOne,
  budgetIsSingle,
  ratiosInRange,
  seedsPresentAndUnique,
  headsDivideHidden,
  sequencesFitPositions,
];

/** Rules on the sweep section itself (checked once). */
export const sweepRules: Rule[] = [sweepPathsExist, zipListsEqualLength, randomExcludesOthers, sweepPathsDistinct, randomRangesValid, sweepIsBounded];

export * from './references.ts';
export * from './arms.ts';
export * from './settings.ts';
export * from './model.ts';
export * from './base.ts';
export * from './sweep.ts';
