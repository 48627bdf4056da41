/**
 * One data selection from pool files to its outputs, shared by the select stage and the bench:
 *   selected.txt      the selected documents, one per line, in POOL order (ascending pool id)
 *   provenance.jsonl  per query: its neighbour (or random) pool ids and, for kNN, cosine scores
 *   selection.json    settings (method, k, embedder, seed), counts and the selected pool ids
 * Pool ids are 0-based over the pool's non-empty lines, across parts in name order. The pool
 * is streamed twice (embed, then write) and never held in memory, except to embed it with a
 * model.
 */
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { readDocuments } from '../data/corpus.ts';
import { DataError, InterruptedError } from '../errors.ts';
import { DuplicateTracker } from './duplicates.ts';
import { denseKnn, normaliseRows } from './knn-dense.ts';
import { SparseSearcher } from './knn-sparse.ts';
import { randomDraw } from './rand.ts';
import { buildInvertedIndex } from './sparse-index.ts';
import { TfidfEmbedder, type TfidfInfo, type TfidfSettings } from './tfidf.ts';
import type { Neighbours } from './types.ts';
import { writeLinesAtomic } from './write-lines.ts';
import { workOutputs } from '../store/layout.ts';

export type SelectionMethod =
  | { method: 'knn'; k: number; seed: number; embedder: ({ kind: 'tfidf' } & TfidfSettings) | { kind: 'model'; maxSeqLength: number; modelDir: string } }
  | { method: 'rand'; k: number; seed: number; /** Size match: select exactly this many documents. */ target: number | null };

export type SelectionPhase = 'read' | 'embed' | 'search' | 'write';

export interface SelectionRequest {
  poolFiles: readonly string[];
  /** The task's labelled train texts; `line` is the 1-based line in train.jsonl. */
  queries: ReadonlyArray<{ text: string; line: number }>;
  spec: SelectionMethod;
  outDir: string;
  onProgress?: (phase: SelectionPhase, done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface SelectionSummary {
  method: 'knn' | 'rand';
  k: number;
  seed: number;
  embedder: (TfidfInfo & { kind: 'tfidf'; stopwords: 'nltk-english' }) | { kind: 'model'; maxSeqLength: number; modelDir: string; dims: number } | null;
  sizeMatchTarget: number | null;
  poolDocs: number;
  /** Pool documents after de-duplication by normalised text. */
  distinctPoolDocs: number;
  queries: number;
  selectedDocs: number;
  /** Neighbours dropped from the union because they repeat another document's text. */
  duplicateNeighbours: number;
  /** Wall seconds per phase. */
  seconds: Record<SelectionPhase, number>;
  order: 'pool';
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new InterruptedError();
}

/** Union of per-query ids mapped to their canonical (first same-text) document, ascending. */
function unionOf(perQuery: readonly Neighbours[], canonical: Int32Array): { selected: Int32Array; duplicates: number } {
  const mark = new Uint8Array(canonical.length);
  const raw = new Uint8Array(canonical.length);
  let duplicates = 0;
  for (const n of perQuery) {
    for (const id of n.ids) {
      if (!raw[id]) {
        raw[id] = 1;
        if (mark[canonical[id]!]) duplicates++;
      }
      mark[canonical[id]!] = 1;
    }
  }
  const ids: number[] = [];
  for (let i = 0; i < mark.length; i++) if (mark[i]) ids.push(i);
  return { selected: Int32Array.from(ids), duplicates };
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

async function* selectedLines(files: readonly string[], chosen: Uint8Array, signal: AbortSignal | undefined, progress: (n: number) => void): AsyncGenerator<string> {
  let id = 0;
  for await (const doc of readDocuments(files)) {
    if (id < chosen.length && chosen[id]) yield doc;
    if (++id % 50000 === 0) {
      checkAbort(signal);
      progress(id);
    }
  }
}

export async function runSelection(req: SelectionRequest): Promise<SelectionSummary> {
  const { spec, signal } = req;
  const report = req.onProgress ?? (() => undefined);
  const seconds: Record<SelectionPhase, number> = { read: 0, embed: 0, search: 0, write: 0 };
  let clock = performance.now();
  const lap = (phase: SelectionPhase) => {
    const now = performance.now();
    seconds[phase] += (now - clock) / 1000;
    clock = now;
  };
  const tracker = new DuplicateTracker();
  const pool = readDocuments(req.poolFiles);
  const observe = (doc: string, i: number) => {
    tracker.add(doc);
    if ((i + 1) % 50000 === 0) {
      checkAbort(signal);
      report('read', i + 1, 0);
    }
  };
  let perQuery: Neighbours[];
  let embedder: SelectionSummary['embedder'] = null;

  if (spec.method === 'knn' && spec.embedder.kind === 'tfidf') {
    const { kind: _kind, ...settings } = spec.embedder;
    const fitted = await TfidfEmbedder.fit(pool, settings, observe);
    lap('read');
    const queries = fitted.embedder.embed(req.queries.map((q) => q.text));
    const index = buildInvertedIndex(fitted.pool);
    lap('embed');
    const searcher = new SparseSearcher(index, fitted.pool, spec.k);
    perQuery = [];
    for (let q = 0; q < queries.rows; q++) {
      perQuery.push(searcher.search(queries, q));
      if ((q + 1) % 500 === 0) {
        checkAbort(signal);
        report('search', q + 1, queries.rows);
      }
    }
    lap('search');
    embedder = { kind: 'tfidf', ...fitted.embedder.info, stopwords: 'nltk-english' };
  } else if (spec.method === 'knn' && spec.embedder.kind === 'model') {
    const texts: string[] = [];
    for await (const doc of pool) {
      observe(doc, texts.length);
      texts.push(doc);
    }
    lap('read');
    // Loaded on demand so tf-idf selection never starts TF.js.
    const { embedTexts } = await import('../train/embed.ts');
    const { modelDir, maxSeqLength } = spec.embedder;
    const poolVectors = await embedTexts(modelDir, texts, { maxSeqLength });
    checkAbort(signal);
    const queryVectors = await embedTexts(modelDir, req.queries.map((q) => q.text), { maxSeqLength });
    const dims = texts.length > 0 ? poolVectors.length / texts.length : queryVectors.length / Math.max(1, req.queries.length);
    lap('embed');
    perQuery = denseKnn(
      normaliseRows({ rows: texts.length, dims, data: poolVectors }),
      normaliseRows({ rows: req.queries.length, dims, data: queryVectors }),
      { k: spec.k, signal, onProgress: (d, t) => report('search', d, t) },
    );
    checkAbort(signal);
    lap('search');
    embedder = { kind: 'model', maxSeqLength, modelDir, dims };
  } else {
    let read = 0;
    for await (const doc of pool) observe(doc, read++);
    lap('read');
    const canonical = tracker.canonical();
    const candidates = Int32Array.from(canonical.filter((c, i) => c === i));
    const draw = randomDraw(candidates, req.queries.length, { k: spec.k, seed: spec.seed, target: spec.method === 'rand' ? spec.target : null });
    perQuery = draw.perQuery.map((ids) => ({ ids, scores: new Float64Array(0) }));
    lap('search');
  }

  const canonical = tracker.canonical();
  if (canonical.length === 0) throw new DataError(`the selection pool is empty: ${req.poolFiles.join(', ')} hold no documents`);
  const { selected, duplicates } = unionOf(perQuery, canonical);
  const chosen = new Uint8Array(canonical.length);
  for (const id of selected) chosen[id] = 1;
  await writeLinesAtomic(workOutputs(req.outDir).selected, selectedLines(req.poolFiles, chosen, signal, (n) => report('write', n, canonical.length)));
  await writeLinesAtomic(
    join(req.outDir, 'provenance.jsonl'),
    perQuery.map((n, q) =>
      JSON.stringify(
        spec.method === 'knn'
          ? { query: q, line: req.queries[q]!.line, ids: [...n.ids], scores: [...n.scores].map(round6) }
          : { query: q, line: req.queries[q]!.line, ids: [...n.ids] },
      ),
    ),
  );
  lap('write');
  const summary: SelectionSummary = {
    method: spec.method,
    k: spec.k,
    seed: spec.seed,
    embedder,
    sizeMatchTarget: spec.method === 'rand' ? spec.target : null,
    poolDocs: canonical.length,
    distinctPoolDocs: tracker.distinct,
    queries: req.queries.length,
    selectedDocs: selected.length,
    duplicateNeighbours: duplicates,
    seconds,
    order: 'pool',
  };
  await writeFileAtomic(join(req.outDir, 'selection.json'), JSON.stringify({ ...summary, selectedIds: [...selected] }) + '\n');
  return summary;
}
