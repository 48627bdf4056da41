/**
 * The leakage check: refuses to pretrain on (or select from) text that contains a task's dev or
 * test examples — as a whole document (normalised) or through a shared n-token shingle, the rule
 * the data pack's own guard used (n = 12 by default). Results are cached per (corpus content,
 * task content, n), so re-running a plan re-checks nothing that has not changed.
 */
import type { ContentId, Plan } from '../plan/types.ts';
import { DaptError } from '../errors.ts';
import { readDocuments } from './corpus.ts';
import { readCachedLeakage, writeCachedLeakage } from './leakage-cache.ts';
import { leakageInputs, type PlanTask } from './leakage-plan.ts';
import { buildEvalIndex, type EvalTask, type LeakCounts } from './leakage-scan.ts';
import { readTask } from './task.ts';
import { resolveTaskData } from './task-input.ts';
import type { TaskData } from './types.ts';

export { corpusName } from './leakage-plan.ts';

export const DEFAULT_SHINGLE_TOKENS = 12;

/** One (text source, task) result. */
export interface LeakagePair extends LeakCounts {
  /** Corpus name (from its files), `<task> train|unlabelled` for task text, or `selection`. */
  source: string;
  sourceKind: 'corpus' | 'task_text' | 'selected';
  sourceContent: ContentId | null;
  task: string;
  taskContent: ContentId | null;
  n: number;
  sourceDocs: number;
  cached: boolean;
}

export interface LeakageSummary {
  n: number;
  /** Every corpus × task pair checked (corpora read by pretrain stages and select pools). */
  pairs: LeakagePair[];
  /** Pairs with leaked text: fatal unless `allow`. */
  leaks: LeakagePair[];
  /** Task train text used for TAPT that shares text with a task's dev/test: reported, never
   *  fatal (fine-tuning trains on the same text anyway; `dedupe_train` removes exact copies). */
  taskText: LeakagePair[];
  overridden: boolean;
  seconds: number;
}

export interface LeakageOptions {
  cacheDir: string;
  /** Shingle length in guard tokens (default 12). */
  n?: number;
  /** Report leaks without throwing (the override; the summary records it). */
  allow?: boolean;
  /** How the caller lets a user override the check (e.g. "rerun with --allow-leakage"); shown
   *  in the error. Without it the error only says how to fix the data. */
  overrideHint?: string;
  onProgress?: (message: string) => void;
}

/** The dev + test texts of a task, as the scan wants them. */
export function evalTextsOf(data: TaskData, id: number): EvalTask {
  return {
    id,
    texts: [
      ...data.dev.map((e) => ({ split: 'dev' as const, line: e.line, text: e.text })),
      ...data.test.map((e) => ({ split: 'test' as const, line: e.line, text: e.text })),
    ],
  };
}

function describeLeak(p: LeakagePair): string {
  const head = `  ${p.source} × ${p.task}: ${p.docs} of ${p.sourceDocs} document(s) hold ${p.examples} dev/test example(s) of ${p.task} (${p.exactDocs} exact, the rest via a shared ${p.n}-token span)`;
  const samples = p.samples.map((s) => `      document ${s.doc + 1} ↔ ${p.task} ${s.split}.jsonl:${s.line} (${s.kind}): "${s.shared}"`);
  return [head, ...samples].join('\n');
}

/** The DAPT_LEAKAGE error for a list of leaking pairs. */
export function leakageError(leaks: readonly LeakagePair[], what: string, overrideHint?: string): DaptError {
  const message = [
    `refusing to use ${what} that contain task dev/test text (the scores on those tasks would be inflated):`,
    ...leaks.map(describeLeak),
    'Fix: remove those documents from the corpus (document numbers count non-empty lines from 1, across parts in name order).',
    ...(overrideHint ? [`If the overlap is intended: ${overrideHint}.`] : []),
  ].join('\n');
  return new DaptError('DAPT_LEAKAGE', message, { detail: { leaks } });
}

interface Source {
  kind: 'corpus' | 'task_text';
  /** Cache key of the text (corpus content id, or the task content + how it is cut). */
  content: string;
  name: string;
  /** Documents of the source (task text needs the task's data loaded first). */
  docs(data: Map<number, TaskData>): AsyncIterable<string> | Iterable<string>;
  /** Task index whose data `docs` needs, if any. */
  needs: number | null;
}

/** Checks every corpus × task pair of the plan; throws DAPT_LEAKAGE on leaks unless `allow`. */
export async function assertNoLeakage(plan: Plan, opts: LeakageOptions): Promise<LeakageSummary> {
  const started = performance.now();
  const n = opts.n ?? DEFAULT_SHINGLE_TOKENS;
  const { corpora, tasks, taskText } = leakageInputs(plan);
  const sources: Source[] = [
    ...corpora.map((c): Source => ({ kind: 'corpus', content: c.content, name: c.name, docs: () => readDocuments(c.files), needs: null })),
    ...taskText.map(({ task: input, part }): Source => {
      const t = tasks.findIndex((x) => x.content === input.content);
      return {
        kind: 'task_text',
        content: `task_text:${JSON.stringify([input.content, input.labelled, input.dedupeTrain, part])}`,
        name: `${tasks[t]!.name} ${part}`,
        needs: t,
        docs: (data) => {
          const resolved = resolveTaskData(data.get(t)!, input);
          return (part === 'train' ? resolved.labelled : resolved.unlabelled).map((e) => e.text);
        },
      };
    }),
  ];
  const found: Array<{ source: Source; pair: LeakagePair }> = [];
  const pending: Array<{ source: Source; tasks: number[] }> = [];
  for (const source of sources) {
    const uncached: number[] = [];
    for (const [t, task] of tasks.entries()) {
      const hit = await readCachedLeakage(opts.cacheDir, source.content, task.content, n);
      if (!hit) uncached.push(t);
      else {
        const { corpusContent: _c, taskContent: _t, corpusDocs, n: _n, ...counts } = hit;
        found.push({ source, pair: { ...counts, source: source.name, sourceKind: source.kind, sourceContent: source.kind === 'corpus' ? source.content : null, task: task.name, taskContent: task.content, n, sourceDocs: corpusDocs, cached: true } });
      }
    }
    if (uncached.length > 0) pending.push({ source, tasks: uncached });
  }
  const needed = new Set(pending.flatMap((p) => [...p.tasks, ...(p.source.needs === null ? [] : [p.source.needs])]));
  if (needed.size > 0) {
    const data = new Map<number, TaskData>();
    for (const t of needed) data.set(t, await readTask(tasks[t]!.dir));
    const indexed = [...new Set(pending.flatMap((p) => p.tasks))];
    opts.onProgress?.(`leakage: indexing dev/test text of ${indexed.length} task(s) (${n}-token shingles)`);
    const index = buildEvalIndex(indexed.map((t) => evalTextsOf(data.get(t)!, t)), n);
    for (const { source, tasks: ts } of pending) {
      opts.onProgress?.(`leakage: scanning ${source.name} against ${ts.length} task(s)`);
      const { docs, counts } = await index.scan(source.docs(data));
      for (const t of ts) {
        const task: PlanTask = tasks[t]!;
        const c = counts.get(t)!;
        await writeCachedLeakage(opts.cacheDir, { ...c, corpusContent: source.content, taskContent: task.content, n, corpusDocs: docs });
        found.push({ source, pair: { ...c, source: source.name, sourceKind: source.kind, sourceContent: source.kind === 'corpus' ? source.content : null, task: task.name, taskContent: task.content, n, sourceDocs: docs, cached: false } });
      }
    }
  }
  const pairs = found.filter((f) => f.source.kind === 'corpus').map((f) => f.pair);
  const leaks = pairs.filter((p) => p.docs > 0);
  const summary: LeakageSummary = {
    n,
    pairs,
    leaks,
    taskText: found.filter((f) => f.source.kind === 'task_text' && f.pair.docs > 0).map((f) => f.pair),
    overridden: leaks.length > 0 && opts.allow === true,
    seconds: (performance.now() - started) / 1000,
  };
  if (leaks.length > 0 && !opts.allow) throw leakageError(leaks, 'pretraining corpora', opts.overrideHint);
  return summary;
}

/**
 * The select stage's own check: the selected documents against the dev/test text of `tasks`.
 * Throws DAPT_LEAKAGE on any leak unless `allow`; returns one pair per task.
 */
export async function assertSelectionClean(
  selected: Iterable<string> | AsyncIterable<string>,
  tasks: ReadonlyArray<{ name: string; content: ContentId | null; data: TaskData }>,
  opts: { n?: number; allow?: boolean; overrideHint?: string } = {},
): Promise<LeakagePair[]> {
  const n = opts.n ?? DEFAULT_SHINGLE_TOKENS;
  const index = buildEvalIndex(tasks.map((t, i) => evalTextsOf(t.data, i)), n);
  const { docs, counts } = await index.scan(selected);
  const pairs = tasks.map((t, i): LeakagePair => ({ ...counts.get(i)!, source: 'selection', sourceKind: 'selected', sourceContent: null, task: t.name, taskContent: t.content, n, sourceDocs: docs, cached: false }));
  const leaks = pairs.filter((p) => p.docs > 0);
  if (leaks.length > 0 && !opts.allow) throw leakageError(leaks, 'selected documents', opts.overrideHint);
  return pairs;
}
