/**
 * Which inputs (corpora, tasks, checkpoints) an experiment point reads, and how the planner
 * turns them into content ids via the catalog. Shared with the impure catalog loader so both
 * agree on exactly what must be hashed.
 */
import type { CorpusDef, ExperimentSpec, TaskDef } from '../config/types.ts';
import { InternalError } from '../errors.ts';
import type { Canonicalizer } from './canonical.ts';
import type { ContentId, InputCatalog, InputLocation, TaskInput } from './types.ts';

export interface UsedInputs {
  /** Keyed by data-root-relative path; the value is the first declaration seen. */
  corpora: Map<string, CorpusDef>;
  tasks: Map<string, TaskDef>;
  /** Absolute checkpoint directories. */
  checkpoints: Set<string>;
}

function corpusNamed(spec: ExperimentSpec, name: string): CorpusDef {
  const c = spec.corpora[name];
  if (c === undefined) throw new InternalError(`the validated experiment references an undeclared corpus "${name}"`);
  return c;
}

function taskNamed(spec: ExperimentSpec, name: string): TaskDef {
  const t = spec.tasks[name];
  if (t === undefined) throw new InternalError(`the validated experiment references an undeclared task "${name}"`);
  return t;
}

/** Every input the point's stages read; declared but unused inputs are left out. */
export function usedInputs(spec: ExperimentSpec, into: UsedInputs = { corpora: new Map(), tasks: new Map(), checkpoints: new Set() }): UsedInputs {
  const corpus = (c: CorpusDef): void => {
    if (!into.corpora.has(c.path)) into.corpora.set(c.path, c);
  };
  const task = (t: TaskDef): void => {
    if (!into.tasks.has(t.path)) into.tasks.set(t.path, t);
  };
  if (spec.base.kind === 'checkpoint') into.checkpoints.add(spec.base.path);
  else {
    corpus(spec.base.corpus);
    spec.base.evaluateOn.forEach(corpus);
  }
  spec.mlmEvaluation.forEach(corpus);
  for (const arm of spec.arms) {
    for (const name of arm.tasks) task(taskNamed(spec, name));
    for (const phase of arm.phases) {
      const s = phase.source;
      if (s.type === 'dapt') corpus(corpusNamed(spec, s.corpus));
      else if (s.type === 'curated_tapt' && 'corpus' in s.pool) corpus(corpusNamed(spec, s.pool.corpus));
      else if (s.type === 'knn_tapt' || s.type === 'rand_tapt') corpus(corpusNamed(spec, s.pool));
      else if (s.type === 'transfer_tapt') task(taskNamed(spec, s.task));
    }
  }
  return into;
}

/** Looks inputs up in the catalog for one experiment point; memoises task inputs per task. */
export class InputResolver {
  private readonly taskInputs = new Map<string, TaskInput>();

  constructor(
    private readonly spec: ExperimentSpec,
    private readonly catalog: InputCatalog,
    private readonly canon: Canonicalizer,
  ) {}

  corpus(name: string): CorpusDef {
    return corpusNamed(this.spec, name);
  }

  task(name: string): TaskDef {
    return taskNamed(this.spec, name);
  }

  corpusContent(c: CorpusDef): { content: ContentId; location: InputLocation } {
    const entry = this.catalog.corpora[c.path];
    if (entry === undefined) throw new InternalError(`the input catalog has no corpus "${c.path}" (buildCatalog must cover every input the plan reads)`);
    return entry;
  }

  taskContent(t: TaskDef): { content: ContentId; location: InputLocation } {
    const entry = this.catalog.tasks[t.path];
    if (entry === undefined) throw new InternalError(`the input catalog has no task "${t.path}" (buildCatalog must cover every input the plan reads)`);
    return entry;
  }

  checkpointContent(dir: string): { content: ContentId; location: InputLocation } {
    const entry = this.catalog.checkpoints[dir];
    if (entry === undefined) throw new InternalError(`the input catalog has no checkpoint "${dir}" (buildCatalog must cover every input the plan reads)`);
    return entry;
  }

  /** The task as a training input: content plus how it is split (shared object per task). */
  taskInput(name: string): TaskInput {
    let input = this.taskInputs.get(name);
    if (input === undefined) {
      const t = this.task(name);
      input = this.canon.share({
        content: this.taskContent(t).content,
        labelled: t.labelled === null ? null : { size: t.labelled.size, seed: t.labelled.seed },
        dedupeTrain: t.dedupeTrain,
      });
      this.taskInputs.set(name, input);
    }
    return input;
  }
}
