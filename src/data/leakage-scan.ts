/**
 * The leakage scan: which documents of a corpus contain a task's dev/test text, either as the
 * whole (normalised) document or through a shared n-token shingle. One pass over the corpus
 * checks every task at once; shingle hits are verified against the text, so a hash collision
 * can never report a leak.
 */
import { normaliseText, guardTokens } from './normalize.ts';
import { forEachShingle } from './shingles.ts';

export interface EvalText {
  split: 'dev' | 'test';
  /** 1-based line in the split file. */
  line: number;
  text: string;
}

export interface EvalTask {
  /** Index into the caller's own task list. */
  id: number;
  texts: readonly EvalText[];
}

export interface LeakSample {
  /** 0-based document index in the corpus. */
  doc: number;
  split: 'dev' | 'test';
  line: number;
  kind: 'exact' | 'ngram';
  /** The shared n-gram (guard tokens), or the start of the text for exact matches. */
  shared: string;
}

/** What one corpus holds of one task's dev/test text. */
export interface LeakCounts {
  /** Corpus documents holding any dev/test text of the task. */
  docs: number;
  /** … of which equal a dev/test text after normalisation. */
  exactDocs: number;
  /** Distinct dev/test examples found in the corpus. */
  examples: number;
  /** Up to 3 examples to show the user. */
  samples: LeakSample[];
}

const MAX_SAMPLES = 3;

export interface EvalIndex {
  n: number;
  taskIds: number[];
  scan(docs: AsyncIterable<string> | Iterable<string>, onDoc?: (count: number) => void): Promise<{ docs: number; counts: Map<number, LeakCounts> }>;
}

/** Builds the index of every task's dev/test text (exact normalised texts and hashed shingles). */
export function buildEvalIndex(tasks: readonly EvalTask[], n: number): EvalIndex {
  const refTask: number[] = [];
  const refText: EvalText[] = [];
  const exact = new Map<string, number[]>();
  const first = new Map<number, number>();
  const more = new Map<number, number[]>();
  for (const task of tasks) {
    for (const t of task.texts) {
      const key = normaliseText(t.text);
      if (key === '') continue;
      const ref = refText.length;
      refTask.push(task.id);
      refText.push(t);
      const list = exact.get(key);
      if (list) list.push(ref);
      else exact.set(key, [ref]);
      forEachShingle(guardTokens(t.text), n, (h) => {
        const f = first.get(h);
        if (f === undefined) return void first.set(h, ref);
        if (f === ref) return;
        const extra = more.get(h);
        if (!extra) more.set(h, [ref]);
        else if (extra[extra.length - 1] !== ref) extra.push(ref);
      });
    }
  }
  const tokenString: Array<string | undefined> = [];
  const spaced = (ref: number) => (tokenString[ref] ??= ` ${guardTokens(refText[ref]!.text).join(' ')} `);

  async function scan(docs: AsyncIterable<string> | Iterable<string>, onDoc?: (count: number) => void) {
    const counts = new Map<number, LeakCounts>(tasks.map((t) => [t.id, { docs: 0, exactDocs: 0, examples: 0, samples: [] }]));
    const seenExamples = new Set<number>();
    let doc = -1;
    for await (const text of docs) {
      doc++;
      if (onDoc && doc % 1000 === 0) onDoc(doc);
      const hitTasks = new Set<number>();
      const exactTasks = new Set<number>();
      const verified = new Set<number>();
      const record = (ref: number, kind: 'exact' | 'ngram', shared: string) => {
        verified.add(ref);
        const task = refTask[ref]!;
        const c = counts.get(task)!;
        if (!seenExamples.has(ref)) {
          seenExamples.add(ref);
          c.examples++;
        }
        if (kind === 'exact') exactTasks.add(task);
        if (!hitTasks.has(task)) {
          hitTasks.add(task);
          const t = refText[ref]!;
          if (c.samples.length < MAX_SAMPLES) c.samples.push({ doc, split: t.split, line: t.line, kind, shared });
        }
      };
      for (const ref of exact.get(normaliseText(text)) ?? []) record(ref, 'exact', text.slice(0, 160));
      const tokens = guardTokens(text);
      forEachShingle(tokens, n, (h, start) => {
        const f = first.get(h);
        if (f === undefined) return;
        const window = tokens.slice(start, start + n).join(' ');
        for (const ref of [f, ...(more.get(h) ?? [])]) {
          if (!verified.has(ref) && spaced(ref).includes(` ${window} `)) record(ref, 'ngram', window);
        }
      });
      for (const task of hitTasks) counts.get(task)!.docs++;
      for (const task of exactTasks) counts.get(task)!.exactDocs++;
    }
    return { docs: doc + 1, counts };
  }

  return { n, taskIds: tasks.map((t) => t.id), scan };
}
