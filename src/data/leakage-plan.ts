/** What the leakage check must look at in a plan: the corpora it trains on and the tasks. */
import { basename } from 'node:path';
import type { ContentId, InputLocation, Plan, TaskInput } from '../plan/types.ts';
import { InternalError } from '../errors.ts';

export interface PlanTask {
  content: ContentId;
  dir: string;
  name: string;
}

export interface PlanCorpus {
  content: ContentId;
  files: string[];
  name: string;
}

export interface PlanTaskText {
  task: TaskInput;
  part: 'train' | 'unlabelled';
}

/** Display name of a corpus from its files: `biomed` for `…/biomed.part-000.txt`. */
export function corpusName(files: readonly string[]): string {
  const first = files[0];
  return first === undefined ? '(empty corpus)' : basename(first).replace(/(\.part-\d+)?\.txt$/, '');
}

/**
 * Corpora read by pretrain stages and select pools, every task of the plan, and the task text
 * (TAPT) sources — each once, in plan order.
 */
export function leakageInputs(plan: Plan): { corpora: PlanCorpus[]; tasks: PlanTask[]; taskText: PlanTaskText[] } {
  const corpora = new Map<ContentId, PlanCorpus>();
  const tasks = new Map<ContentId, PlanTask>();
  const taskText = new Map<string, PlanTaskText>();
  for (const stage of plan.stages) {
    const where = (content: ContentId): InputLocation => {
      const loc = stage.inputs[content];
      if (!loc) throw new InternalError(`stage ${stage.key} (${stage.title}) has no input location for content ${content}`);
      return loc;
    };
    const addCorpus = (content: ContentId) => {
      const loc = where(content);
      if (loc.kind !== 'corpus') throw new InternalError(`stage ${stage.key}: corpus input ${content} is a ${loc.kind}`);
      if (!corpora.has(content)) corpora.set(content, { content, files: loc.files, name: corpusName(loc.files) });
    };
    const addTask = (t: TaskInput) => {
      const loc = where(t.content);
      if (loc.kind !== 'task') throw new InternalError(`stage ${stage.key}: task input ${t.content} is a ${loc.kind}`);
      if (!tasks.has(t.content)) tasks.set(t.content, { content: t.content, dir: loc.dir, name: basename(loc.dir) });
    };
    if (stage.kind === 'pretrain') {
      for (const src of stage.params.data) {
        if (src.kind === 'corpus') addCorpus(src.content);
        if (src.kind === 'task_text') {
          addTask(src.task);
          taskText.set(JSON.stringify([src.task, src.part]), { task: src.task, part: src.part });
        }
      }
    } else if (stage.kind === 'select') {
      addCorpus(stage.params.pool);
      addTask(stage.params.task);
    } else if (stage.kind === 'finetune') {
      addTask(stage.params.task);
    } else if (stage.kind === 'evaluate' && stage.params.target === 'classifier') {
      addTask(stage.params.task);
    }
  }
  return { corpora: [...corpora.values()], tasks: [...tasks.values()], taskText: [...taskText.values()] };
}
