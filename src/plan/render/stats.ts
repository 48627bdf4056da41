/** Facts the views show about each stage: how often it is reused, what builds on it, whether it is done. */
import { STAGE_KINDS, type Plan, type Stage, type StageKey, type StageKind } from '../types.ts';

export type StageState = 'done' | 'partial' | 'absent';

/** Run-store state per stage key; absent from the map = unknown (no store). */
export type StageStates = ReadonlyMap<StageKey, StageState>;

/** Key prefix shown to people: long enough to be unique in any realistic plan. */
export const shortKey = (key: StageKey): string => key.slice(0, 10);

/** Distinct (experiment, point, arm, task) contexts that use the stage; more than one = shared. */
export function usesOf(stage: Stage): number {
  const contexts = new Set<string>();
  for (const l of stage.labels) contexts.add(`${l.experiment}\u0000${l.point ?? ''}\u0000${l.arm ?? ''}\u0000${l.task ?? ''}`);
  return contexts.size;
}

export interface PlanStats {
  stages: number;
  byKind: Record<StageKind, number>;
  shared: number;
  /** null when no run store was consulted. */
  done: number | null;
  /** Direct children of each stage. */
  children: Map<StageKey, number>;
}

export function planStats(plan: Plan, states?: StageStates | null): PlanStats {
  const byKind = Object.fromEntries(STAGE_KINDS.map((k) => [k, 0])) as Record<StageKind, number>;
  const children = new Map<StageKey, number>();
  let shared = 0;
  let done = 0;
  for (const s of plan.stages) {
    byKind[s.kind] += 1;
    if (usesOf(s) > 1) shared += 1;
    if (states?.get(s.key) === 'done') done += 1;
    for (const p of s.parents) children.set(p, (children.get(p) ?? 0) + 1);
  }
  return { stages: plan.stages.length, byKind, shared, done: states ? done : null, children };
}

/** `N stages (… by kind), M shared, K done`. */
export function summaryLine(stats: PlanStats): string {
  const kinds = STAGE_KINDS.filter((k) => stats.byKind[k] > 0).map((k) => `${stats.byKind[k]} ${k}`);
  const parts = [`${stats.stages} stages${kinds.length ? ` (${kinds.join(', ')})` : ''}`, `${stats.shared} shared`];
  parts.push(stats.done === null ? 'no run store' : `${stats.done} done`);
  return parts.join(', ');
}
