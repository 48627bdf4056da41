/** The fixed words of the experiment language, shared by the schema translator, rules and normaliser. */
/** Phase types as written; `not_dapt` (¬DAPT) normalises to a `dapt` phase with `irrelevantTo` set. */
export const PHASE_TYPES = ['dapt', 'not_dapt', 'tapt', 'curated_tapt', 'knn_tapt', 'rand_tapt', 'transfer_tapt'] as const;

export type RawPhaseType = (typeof PHASE_TYPES)[number];

/** Phases that train on the task's text share the TAPT recipe (paper §5: same hyperparameters as TAPT). */
export const TAPT_FAMILY: ReadonlySet<RawPhaseType> = new Set(['tapt', 'curated_tapt', 'knn_tapt', 'rand_tapt', 'transfer_tapt']);

export function familyOf(type: RawPhaseType): 'dapt' | 'tapt' {
  return TAPT_FAMILY.has(type) ? 'tapt' : 'dapt';
}

/** The paper's irrelevant-domain pairing for ¬DAPT (§3.3): the key's control uses the value's corpus. */
export const NOT_DAPT_PAIRING: Readonly<Record<string, string>> = {
  biomed: 'reviews',
  cs: 'news',
  news: 'cs',
  reviews: 'biomed',
};

/** `curated_tapt: { pool: task_unlabelled }` names the low-resource remainder of the task's train split. */
export const TASK_UNLABELLED = 'task_unlabelled';

/** Embedders for kNN selection; `tfidf` is the cheap stand-in for the paper's VAMPIRE. */
export const EMBEDDERS = ['tfidf', 'model'] as const;

/** Top-level keys a sweep may change: the ones that belong to a single sweep point. */
export const SWEEPABLE_ROOTS = ['corpora', 'tasks', 'base', 'defaults', 'phases', 'arms', 'finetune', 'mlm_evaluation'] as const;

/** Keys of which at most one may be set in the same mapping; setting one (in an override or a sweep) replaces the others. */
export const EXCLUSIVE_SIBLINGS: ReadonlyArray<readonly string[]> = [
  ['max_steps', 'epochs'],
  ['ratio', 'steps'],
  ['linear', 'cosine', 'step'],
  ['checkpoint', 'hub', 'experiment', 'scratch'],
];
