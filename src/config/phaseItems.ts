/** Reading arms and phase items from the raw document (shared by the rules and the normaliser). */
import { PHASE_TYPES, type RawPhaseType } from './vocabulary.ts';
import type { DocPath } from './paths.ts';
import { isRecord, list, rec, str } from './view.ts';

export interface ArmEntry {
  name: string;
  path: DocPath;
  items: unknown[];
  itemsPath: DocPath;
  /** The `tasks:` list when the arm is written `{phases, tasks}`. */
  tasks: unknown[] | null;
  tasksPath: DocPath;
  /** False when the arm is neither a list nor a mapping (the schema reports it). */
  wellFormed: boolean;
}

export function armEntries(doc: unknown): ArmEntry[] {
  return Object.entries(rec(rec(doc).arms)).map(([name, v]) => {
    const path: DocPath = ['arms', name];
    if (Array.isArray(v)) return { name, path, items: v, itemsPath: path, tasks: null, tasksPath: [...path, 'tasks'], wellFormed: true };
    const r = rec(v);
    return { name, path, items: list(r.phases), itemsPath: [...path, 'phases'], tasks: Array.isArray(r.tasks) ? r.tasks : null, tasksPath: [...path, 'tasks'], wellFormed: isRecord(v) && Array.isArray(r.phases) };
  });
}

/** A phase as written: its type and value, where the value lives, and the named phase if referenced. */
export interface ResolvedPhase {
  type: RawPhaseType;
  value: unknown;
  valuePath: DocPath;
  /** The `phases:` key when the arm item is a name. */
  named: string | null;
}

function phaseObject(v: unknown, path: DocPath): Omit<ResolvedPhase, 'named'> | null {
  if (!isRecord(v)) return null;
  const keys = Object.keys(v);
  if (keys.length !== 1) return null;
  const type = keys[0] as RawPhaseType;
  if (!(PHASE_TYPES as readonly string[]).includes(type)) return null;
  return { type, value: v[type], valuePath: [...path, type] };
}

/** Resolves an arm item (a name, `tapt`, or `{type: value}`); null when it does not name a phase. */
export function resolveItem(doc: unknown, item: unknown, itemPath: DocPath): ResolvedPhase | null {
  const ref = str(item);
  if (ref !== undefined) {
    const phases = rec(rec(doc).phases);
    if (Object.hasOwn(phases, ref)) {
      const p = phaseObject(phases[ref], ['phases', ref]);
      return p ? { ...p, named: ref } : null;
    }
    if (ref === 'tapt') return { type: 'tapt', value: null, valuePath: itemPath, named: null };
    return null;
  }
  const p = phaseObject(item, itemPath);
  return p ? { ...p, named: null } : null;
}

/** A phase argument (corpus, pool, task, ...) with its place in the file. */
export interface PhaseArg {
  value: unknown;
  path: DocPath;
}

const SHORTHAND: Partial<Record<RawPhaseType, string>> = {
  dapt: 'corpus',
  not_dapt: 'domain',
  curated_tapt: 'pool',
  transfer_tapt: 'task',
};

/** Reads one argument of a phase; a string value is the shorthand for the type's main argument. */
export function phaseArg(p: ResolvedPhase, key: string): PhaseArg | null {
  if (typeof p.value === 'string') return SHORTHAND[p.type] === key ? { value: p.value, path: p.valuePath } : null;
  const r = rec(p.value);
  return Object.hasOwn(r, key) ? { value: r[key], path: [...p.valuePath, key] } : null;
}

/** Every phase site in the document: arm items and named phases, each once. */
export interface PhaseSite {
  phase: ResolvedPhase;
  /** Set for arm items. */
  arm: string | null;
  index: number | null;
}

export function phaseSites(doc: unknown): PhaseSite[] {
  const out: PhaseSite[] = [];
  for (const [name, v] of Object.entries(rec(rec(doc).phases))) {
    const p = phaseObject(v, ['phases', name]);
    if (p) out.push({ phase: { ...p, named: name }, arm: null, index: null });
  }
  for (const arm of armEntries(doc)) {
    arm.items.forEach((item, i) => {
      if (typeof item === 'string') return; // a name: its definition is listed above
      const p = phaseObject(item, [...arm.itemsPath, i]);
      if (p) out.push({ phase: { ...p, named: null }, arm: arm.name, index: i });
    });
  }
  return out;
}

/**
 * The task names an arm is fine-tuned on: its `tasks:`, or every task except those whose text a
 * Transfer-TAPT phase of the arm trains on (fine-tuning on the source would make it plain TAPT).
 */
export function armTasks(doc: unknown, arm: ArmEntry): string[] {
  if (arm.tasks) return arm.tasks.filter((t): t is string => typeof t === 'string');
  const sources = new Set<unknown>();
  arm.items.forEach((item, i) => {
    const p = resolveItem(doc, item, [...arm.itemsPath, i]);
    if (p?.type === 'transfer_tapt') sources.add(phaseArg(p, 'task')?.value);
  });
  return Object.keys(rec(rec(doc).tasks)).filter((t) => !sources.has(t));
}
