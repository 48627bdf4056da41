/**
 * The leakage scan: which documents of a corpus contain a task's dev/test text, either as the
 * whole (normalised) document or through a shared n-token shingle. One pass over the corpus
 * checks every task at once; shingle hits are verified against the text, so a hash collision
 * can never report a leak.
 */
import { guardTokens, normaliseText, normalisedTextHash } from './normalize.ts';
import { ShingleTable } from './shingle-table.ts';
import { forEachShingle, shingleText, tokenLanes, type TokenLanes } from './shingles.ts';

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
  const refNormal: string[] = [];
  // Exact matches are looked up by hash and confirmed on the normalised strings.
  const exact = new Map<number, number[]>();
  // About one shingle per 6 characters of text: sizes the table once instead of growing it.
  const shingles = new ShingleTable(tasks.reduce((sum, t) => sum + t.texts.reduce((a, x) => a + x.text.length, 0), 0) / 6);
  for (const task of tasks) {
    for (const t of task.texts) {
      const normal = normaliseText(t.text);
      if (normal === '') continue;
      const ref = refText.length;
      refTask.push(task.id);
      refText.push(t);
      refNormal.push(normal);
      const key = normalisedTextHash(t.text);
      const list = exact.get(key);
      if (list) list.push(ref);
      else exact.set(key, [ref]);
      forEachShingle(tokenLanes(t.text), n, (h1, h2) => shingles.add(h1, h2, ref));
    }
  }
  const tokenString: Array<string | undefined> = [];
  const spaced = (ref: number) => (tokenString[ref] ??= ` ${guardTokens(refText[ref]!.text).join(' ')} `);

  async function scan(docs: AsyncIterable<string> | Iterable<string>, onDoc?: (count: number) => void) {
    const counts = new Map<number, LeakCounts>(tasks.map((t) => [t.id, { docs: 0, exactDocs: 0, examples: 0, samples: [] }]));
    const seenExamples = new Set<number>();
    let doc = -1;
    let lanes: TokenLanes | undefined;
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
      const candidates = exact.get(normalisedTextHash(text));
      if (candidates) {
        const normal = normaliseText(text);
        for (const ref of candidates) if (refNormal[ref] === normal) record(ref, 'exact', text.slice(0, 160));
      }
      lanes = tokenLanes(text, lanes);
      const current = lanes;
      forEachShingle(current, n, (h1, h2, start) => {
        const slot = shingles.find(h1, h2);
        if (slot < 0) return;
        const window = shingleText(current, start, n);
        for (const ref of shingles.refs(slot)) {
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
