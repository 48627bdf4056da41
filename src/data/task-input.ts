/** Applies a plan's TaskInput (dedupe_train, then the low-resource split) to a task's data. */
import type { InputLocation, TaskInput } from '../plan/types.ts';
import { DataError } from '../errors.ts';
import { dedupeTrain } from './dedupe.ts';
import { splitLabelled } from './split.ts';
import { readTask } from './task.ts';
import type { ResolvedTask, TaskData } from './types.ts';

/** De-duplication runs first, so a low-resource split never draws a dev/test copy. */
export function resolveTaskData(data: TaskData, input: Pick<TaskInput, 'labelled' | 'dedupeTrain'>): ResolvedTask {
  const { train, dropped } = input.dedupeTrain ? dedupeTrain(data.train, data) : { train: data.train, dropped: [] };
  const { labelled, unlabelled } = input.labelled ? splitLabelled(train, input.labelled) : { labelled: train, unlabelled: [] };
  return { ...data, train, labelled, unlabelled, droppedByDedupe: dropped };
}

/** Reads the task at `location` (a `task` InputLocation) and applies `input`. */
export async function loadTaskInput(location: InputLocation, input: Pick<TaskInput, 'labelled' | 'dedupeTrain'>): Promise<ResolvedTask> {
  if (location.kind !== 'task') throw new DataError(`expected a task directory, got a ${location.kind} input`);
  return resolveTaskData(await readTask(location.dir), input);
}
