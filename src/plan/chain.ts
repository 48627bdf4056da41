/**
 * The model an arm fine-tunes for a task: the base, then each adaptation phase in order, each
 * pretraining from the previous model. Stages are added to the point's builder as they are met;
 * identical ones (a DAPT stage every task and arm shares) collapse there by key.
 */
import type { ArmSpec, Experiment, PhaseSpec, SweepPoint } from '../config/types.ts';
import { InternalError } from '../errors.ts';
import type { PlanBuilder } from './builder.ts';
import type { InputResolver } from './inputs.ts';
import type { Projector } from './project.ts';
import type { ContentId, InputLocation, ModelInit, SelectParams, StageKey, StageLabel, TextSource } from './types.ts';

/** A model at some point of a chain. */
export interface ModelRef {
  init: ModelInit;
  /** The stage that produced it; null for a checkpoint base. */
  stage: StageKey | null;
  /** For titles: `base`, `dapt(biomed)`, `tapt(chemprot)`. */
  name: string;
  /** Where a checkpoint base lives (empty for stage outputs). */
  inputs: Record<ContentId, InputLocation>;
}

export interface PointContext {
  experiment: Experiment;
  point: SweepPoint;
  builder: PlanBuilder;
  resolve: InputResolver;
  project: Projector;
  base: ModelRef;
}

export interface ChainResult {
  model: ModelRef;
  /** The first kNN select stage of the chain, for RAND arms size-matched to this arm. */
  knnSelect: StageKey | null;
}

export function modelFromStage(stage: StageKey, name: string): ModelRef {
  return { init: { from: 'stage', stage }, stage, name, inputs: {} };
}

function parentsOf(model: ModelRef): StageKey[] {
  return model.stage === null ? [] : [model.stage];
}

/** Walks arms' phases for one point; memoises whole chains per (arm, task). */
export class ChainWalker {
  private readonly chains = new Map<string, ChainResult>();
  private readonly knnSelects = new Map<string, StageKey>();
  /** (arm, task) chains being walked, to refuse size-matching cycles instead of recursing forever. */
  private readonly walking = new Set<string>();

  constructor(private readonly ctx: PointContext) {}

  /** The model `arm` fine-tunes on `task`. */
  chain(arm: ArmSpec, task: string): ChainResult {
    const id = `${arm.name}\u0000${task}`;
    let result = this.chains.get(id);
    if (result === undefined) {
      result = this.walk(arm, task, false);
      this.chains.set(id, result);
    }
    return result;
  }

  /** The kNN select stage of `armName` for `task` (walking its chain only as far as needed). */
  private knnSelectOf(armName: string, task: string, forArm: string): StageKey {
    const id = `${armName}\u0000${task}`;
    const known = this.chains.get(id)?.knnSelect ?? this.knnSelects.get(id);
    if (known !== undefined && known !== null) return known;
    const arm = this.ctx.point.spec.arms.find((a) => a.name === armName);
    const select = arm === undefined ? null : this.walk(arm, task, true).knnSelect;
    if (select === null) {
      throw new InternalError(`arm "${forArm}" is size-matched to arm "${armName}", which has no knn_tapt phase; validation should have rejected this`);
    }
    this.knnSelects.set(id, select);
    return select;
  }

  private walk(arm: ArmSpec, task: string, stopAtKnnSelect: boolean): ChainResult {
    const id = `${arm.name}\u0000${task}`;
    if (this.walking.has(id)) throw new InternalError(`arm "${arm.name}" is size-matched to itself through other arms; validation should have rejected this`);
    this.walking.add(id);
    try {
      return this.walkPhases(arm, task, stopAtKnnSelect);
    } finally {
      this.walking.delete(id);
    }
  }

  private walkPhases(arm: ArmSpec, task: string, stopAtKnnSelect: boolean): ChainResult {
    let model = this.ctx.base;
    let knnSelect: StageKey | null = null;
    for (const phase of arm.phases) {
      const step = this.phase(arm, task, phase, model, stopAtKnnSelect && knnSelect === null);
      if (step.knnSelect !== null && knnSelect === null) {
        knnSelect = step.knnSelect;
        if (stopAtKnnSelect) break;
      }
      model = step.model;
    }
    return { model, knnSelect };
  }

  private label(arm: ArmSpec, phase: PhaseSpec, task: string, corpus?: string): StageLabel {
    const { experiment, point } = this.ctx;
    const l: StageLabel = { experiment: experiment.name, point: point.name, arm: arm.name, phase: phase.name };
    // '' = walked for an arm without tasks (its model is the same for every task).
    if (task !== '') l.task = task;
    if (corpus !== undefined) l.corpus = corpus;
    return l;
  }

  /** `selectOnly`: stop after planning a kNN select (for size-matching), without its pretraining. */
  private phase(arm: ArmSpec, task: string, phase: PhaseSpec, model: ModelRef, selectOnly: boolean): ChainResult {
    const { resolve } = this.ctx;
    const s = phase.source;
    const taskText = (name: string): TextSource => ({ kind: 'task_text', task: resolve.taskInput(name), part: 'train' });
    const taskLoc = (name: string): Record<ContentId, InputLocation> => {
      const c = resolve.taskContent(resolve.task(name));
      return { [c.content]: c.location };
    };
    switch (s.type) {
      case 'dapt': {
        const corpus = resolve.corpus(s.corpus);
        const c = resolve.corpusContent(corpus);
        const data: TextSource[] = [{ kind: 'corpus', content: c.content }];
        return this.pretrain(model, phase, data, [], { [c.content]: c.location }, `dapt(${corpus.name})`, this.label(arm, phase, task, corpus.name));
      }
      case 'tapt':
        return this.pretrain(model, phase, [taskText(task)], [], taskLoc(task), `tapt(${task})`, this.label(arm, phase, task));
      case 'transfer_tapt':
        return this.pretrain(model, phase, [taskText(s.task)], [], taskLoc(s.task), `transfer_tapt(${s.task})`, this.label(arm, phase, task, s.task));
      case 'curated_tapt': {
        if ('corpus' in s.pool) {
          const corpus = resolve.corpus(s.pool.corpus);
          const c = resolve.corpusContent(corpus);
          const data: TextSource[] = [taskText(task), { kind: 'corpus', content: c.content }];
          const inputs = { ...taskLoc(task), [c.content]: c.location };
          return this.pretrain(model, phase, data, [], inputs, `curated_tapt(${task}+${corpus.name})`, this.label(arm, phase, task, corpus.name));
        }
        const input = resolve.taskInput(task);
        if (input.labelled === null) {
          throw new InternalError(`arm "${arm.name}" uses the unlabelled remainder of task "${task}", which has no labelled subset; validation should have rejected this`);
        }
        const data: TextSource[] = [taskText(task), { kind: 'task_text', task: input, part: 'unlabelled' }];
        return this.pretrain(model, phase, data, [], taskLoc(task), `curated_tapt(${task}+unlabelled)`, this.label(arm, phase, task));
      }
      case 'knn_tapt':
      case 'rand_tapt': {
        const pool = resolve.corpus(s.pool);
        const c = resolve.corpusContent(pool);
        const input = resolve.taskInput(task);
        const inputs = { ...taskLoc(task), [c.content]: c.location };
        let params: SelectParams;
        let parents: StageKey[];
        let title: string;
        if (s.type === 'knn_tapt') {
          const byModel = s.embedder.kind === 'model';
          // kNN is deterministic, so no seed: a seed would only split identical selections.
          params = { method: 'knn', task: input, pool: c.content, k: s.k, embedder: this.ctx.project.embedder(s.embedder), embedModel: byModel ? model.init : null, seed: 0, sizeMatch: null };
          parents = byModel ? parentsOf(model) : [];
          if (byModel) Object.assign(inputs, model.inputs);
          title = `select knn(k=${s.k}) ${task}`;
        } else {
          const matched = s.sizeMatch === null ? null : this.knnSelectOf(s.sizeMatch, task, arm.name);
          params = { method: 'rand', task: input, pool: c.content, k: s.k, embedder: null, embedModel: null, seed: s.seed, sizeMatch: matched };
          parents = matched === null ? [] : [matched];
          title = `select rand(k=${s.k}${matched === null ? '' : `, size of ${s.sizeMatch}`}) ${task}`;
        }
        const select = this.ctx.builder.add({ kind: 'select', params, parents, title, inputs }, this.label(arm, phase, task, pool.name));
        const knnSelect = s.type === 'knn_tapt' ? select : null;
        if (selectOnly && knnSelect !== null) return { model, knnSelect };
        const selected: TextSource = { kind: 'selected', stage: select };
        const data = s.includeTaskText ? [taskText(task), selected] : [selected];
        const name = `${s.type}(${task}, k=${s.k})`;
        const next = this.pretrain(model, phase, data, [select], s.includeTaskText ? taskLoc(task) : {}, name, this.label(arm, phase, task, pool.name));
        return { model: next.model, knnSelect };
      }
    }
  }

  private pretrain(
    model: ModelRef,
    phase: PhaseSpec,
    data: TextSource[],
    extraParents: StageKey[],
    inputs: Record<ContentId, InputLocation>,
    name: string,
    label: StageLabel,
  ): ChainResult {
    const { builder, project } = this.ctx;
    const params = {
      init: model.init,
      data,
      masking: project.masking(phase.masking),
      optim: project.optim(phase.optim),
      heldOut: project.heldOut(phase.heldOut),
      seed: phase.seed,
    };
    const key = builder.add(
      { kind: 'pretrain', params, parents: [...parentsOf(model), ...extraParents], title: `pretrain ${name} ← ${model.name}`, inputs: { ...inputs, ...model.inputs } },
      label,
    );
    return { model: modelFromStage(key, name), knnSelect: null };
  }
}
