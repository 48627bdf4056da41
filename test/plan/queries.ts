/** Questions tests ask of a Plan. */
import type { Plan, Stage, StageKey, StageKind } from '../../src/plan/index.ts';

export const ofKind = (plan: Plan, kind: StageKind): Stage[] => plan.stages.filter((s) => s.kind === kind);

export const keysOf = (stages: Stage[]): Set<StageKey> => new Set(stages.map((s) => s.key));

/** Pretrain stages reading corpus content `content`. */
export const pretrainOn = (plan: Plan, content: string): Stage[] =>
  plan.stages.filter((s) => s.kind === 'pretrain' && s.params.data.some((d) => d.kind === 'corpus' && d.content === content));

export const usedBy = (s: Stage, f: { arm?: string; task?: string; point?: string; experiment?: string }): boolean =>
  s.labels.some((l) => (f.arm === undefined || l.arm === f.arm) && (f.task === undefined || l.task === f.task) && (f.point === undefined || l.point === f.point) && (f.experiment === undefined || l.experiment === f.experiment));

export const finetunes = (plan: Plan, f: { arm?: string; task?: string; point?: string } = {}): Stage[] =>
  ofKind(plan, 'finetune').filter((s) => usedBy(s, f));

/** Key of the model a finetune/pretrain stage starts from (null for a checkpoint). */
export function initStage(s: Stage): StageKey | null {
  if (s.kind !== 'finetune' && s.kind !== 'pretrain') throw new Error(`${s.kind} has no init`);
  return s.params.init.from === 'stage' ? s.params.init.stage : null;
}

export const byKey = (plan: Plan): Map<StageKey, Stage> => new Map(plan.stages.map((s) => [s.key, s]));

/** Direct children of each stage. */
export function children(plan: Plan): Map<StageKey, Stage[]> {
  const out = new Map<StageKey, Stage[]>(plan.stages.map((s) => [s.key, []]));
  for (const s of plan.stages) for (const p of s.parents) out.get(p)?.push(s);
  return out;
}

export const isMlm = (s: Stage): boolean => s.kind === 'evaluate' && s.params.target === 'mlm';
export const isClassifierEval = (s: Stage): boolean => s.kind === 'evaluate' && s.params.target === 'classifier';

export const intersect = <T>(a: Set<T>, b: Set<T>): Set<T> => new Set([...a].filter((x) => b.has(x)));
