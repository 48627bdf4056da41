/**
 * Accumulates stages, collapsing identical ones (same key) and merging why they exist.
 * Insertion order is the plan order: callers add a stage only after its parents, so it is
 * topological, and it is deterministic because the walk over an experiment is.
 */
import { InternalError } from '../errors.ts';
import { Canonicalizer } from './canonical.ts';
import { stageKey } from './key.ts';
import type { ContentId, InputLocation, Stage, StageKey, StageLabel, StageParams } from './types.ts';

export type StageDraft = StageParams & {
  parents: StageKey[];
  title: string;
  inputs?: Record<ContentId, InputLocation>;
};

interface Entry {
  stage: Stage;
  labelIds: Set<string>;
}

function labelId(l: StageLabel): string {
  return [l.experiment, l.point, l.arm, l.phase, l.task, l.seed, l.corpus].map((v) => (v === undefined ? '' : String(v))).join('\u0000');
}

/** Sorted, without duplicates: parents are a set, and the key must not depend on their order. */
export function normaliseParents(parents: readonly StageKey[]): StageKey[] {
  return [...new Set(parents)].sort();
}

export class PlanBuilder {
  readonly canon = new Canonicalizer();
  private readonly entries = new Map<StageKey, Entry>();

  /** Adds (or finds) the stage and records this use of it; returns its key. */
  add(draft: StageDraft, label: StageLabel): StageKey {
    const parents = normaliseParents(draft.parents);
    const key = stageKey(this.canon, { kind: draft.kind, params: draft.params } as StageParams, parents);
    let entry = this.entries.get(key);
    if (entry === undefined) {
      for (const p of parents) {
        if (!this.entries.has(p)) throw new InternalError(`stage "${draft.title}" was planned before its parent ${p}`);
      }
      const stage = { kind: draft.kind, params: draft.params, key, parents, title: draft.title, labels: [], inputs: { ...draft.inputs } } as Stage;
      entry = { stage, labelIds: new Set() };
      this.entries.set(key, entry);
    } else if (draft.inputs) {
      for (const [id, loc] of Object.entries(draft.inputs)) entry.stage.inputs[id] ??= loc;
    }
    this.addLabel(entry, label);
    return key;
  }

  /** Adds an already keyed stage (from another plan), merging labels and inputs if present. */
  addStage(stage: Stage): void {
    let entry = this.entries.get(stage.key);
    if (entry === undefined) {
      for (const p of stage.parents) {
        if (!this.entries.has(p)) throw new InternalError(`stage ${stage.key} comes before its parent ${p}`);
      }
      entry = { stage: { ...stage, parents: [...stage.parents], labels: [], inputs: { ...stage.inputs } }, labelIds: new Set() };
      this.entries.set(stage.key, entry);
    } else {
      for (const [id, loc] of Object.entries(stage.inputs)) entry.stage.inputs[id] ??= loc;
    }
    for (const l of stage.labels) this.addLabel(entry, l);
  }

  /** Records another use of a stage already added. */
  use(key: StageKey, label: StageLabel): void {
    const entry = this.entries.get(key);
    if (entry === undefined) throw new InternalError(`a use was recorded for unplanned stage ${key}`);
    this.addLabel(entry, label);
  }

  has(key: StageKey): boolean {
    return this.entries.has(key);
  }

  stages(): Stage[] {
    return [...this.entries.values()].map((e) => e.stage);
  }

  private addLabel(entry: Entry, label: StageLabel): void {
    const id = labelId(label);
    if (entry.labelIds.has(id)) return;
    entry.labelIds.add(id);
    entry.stage.labels.push(label);
  }
}
