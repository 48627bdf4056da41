/** Task examples and task data as the data layer hands them to training, selection and checks. */

export type SplitName = 'train' | 'dev' | 'test';

export interface TaskExample {
  text: string;
  label: string;
  /** 1-based line in the JSONL file it came from (for messages and provenance). */
  line: number;
}

export interface TaskData {
  train: TaskExample[];
  dev: TaskExample[];
  test: TaskExample[];
  /** Sorted union of the labels seen in train, dev and test. */
  labels: string[];
}

/** A task after its TaskInput (dedupe_train, low-resource split) has been applied. */
export interface ResolvedTask extends TaskData {
  /** The labelled train examples fine-tuning uses (all of train unless low-resource). */
  labelled: TaskExample[];
  /** The low-resource remainder of train (empty unless `labelled` is set). */
  unlabelled: TaskExample[];
  /** Train examples dropped because their text also occurs in dev/test (`dedupe_train`). */
  droppedByDedupe: TaskExample[];
}
