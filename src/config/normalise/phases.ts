/** Arm items to PhaseSpecs: the source each phase trains on and its inherited settings. */
import { BUILTIN_MODEL_EMBEDDER, BUILTIN_TFIDF } from '../builtins.ts';
import { notDaptCorpus } from '../rules/arms.ts';
import { armEntries, phaseArg, resolveItem, type ResolvedPhase } from '../phaseItems.ts';
import type { EmbedderSpec, PhaseSource, PhaseSpec } from '../types.ts';
import { TASK_UNLABELLED, familyOf } from '../vocabulary.ts';
import { int, isRecord, rec, str, type Raw } from '../view.ts';
import { resolveSettings } from './settings.ts';

function toEmbedder(v: unknown): EmbedderSpec {
  const kind = typeof v === 'string' ? v : isRecord(v) ? Object.keys(v)[0] : 'tfidf';
  if (kind === 'model') {
    const o = rec(rec(v).model);
    return { kind: 'model', maxSeqLength: int(o.max_seq_length) ?? BUILTIN_MODEL_EMBEDDER.max_seq_length };
  }
  const o = rec(rec(v).tfidf);
  return {
    kind: 'tfidf',
    dims: int(o.dims) ?? BUILTIN_TFIDF.dims,
    vocabulary: o.vocabulary === 'fitted' ? 'fitted' : BUILTIN_TFIDF.vocabulary,
    sublinearTf: typeof o.sublinear_tf === 'boolean' ? o.sublinear_tf : BUILTIN_TFIDF.sublinear_tf,
  };
}

function arg(p: ResolvedPhase, key: string): unknown {
  return phaseArg(p, key)?.value;
}

/** The kNN phase a `size_of` arm runs (validated to be exactly one). */
function knnOf(doc: Raw, armName: string): ResolvedPhase | null {
  const arm = armEntries(doc).find((a) => a.name === armName);
  if (!arm) return null;
  for (const [i, item] of arm.items.entries()) {
    const p = resolveItem(doc, item, [...arm.itemsPath, i]);
    if (p?.type === 'knn_tapt') return p;
  }
  return null;
}

function source(doc: Raw, p: ResolvedPhase): PhaseSource {
  switch (p.type) {
    case 'dapt':
      return { type: 'dapt', corpus: String(arg(p, 'corpus')), irrelevantTo: null };
    case 'not_dapt':
      return { type: 'dapt', corpus: String(notDaptCorpus(doc, p).corpus), irrelevantTo: String(arg(p, 'domain')) };
    case 'tapt':
      return { type: 'tapt' };
    case 'curated_tapt': {
      const pool = String(arg(p, 'pool'));
      return { type: 'curated_tapt', pool: pool === TASK_UNLABELLED ? { taskUnlabelled: true } : { corpus: pool } };
    }
    case 'knn_tapt':
      return { type: 'knn_tapt', pool: String(arg(p, 'pool')), k: Number(arg(p, 'k')), embedder: toEmbedder(arg(p, 'embedder')), includeTaskText: arg(p, 'include_task_text') !== false };
    case 'rand_tapt': {
      const sizeOf = str(arg(p, 'size_of')) ?? null;
      const knn = sizeOf !== null ? knnOf(doc, sizeOf) : null;
      return {
        type: 'rand_tapt',
        pool: String(arg(p, 'pool') ?? (knn ? arg(knn, 'pool') : '')),
        k: Number(arg(p, 'k') ?? (knn ? arg(knn, 'k') : 0)),
        seed: int(arg(p, 'selection_seed')) ?? 0,
        sizeMatch: sizeOf,
        includeTaskText: arg(p, 'include_task_text') !== false,
      };
    }
    case 'transfer_tapt':
      return { type: 'transfer_tapt', task: String(arg(p, 'task')) };
  }
}

/** `dapt(biomed)`, `knn_tapt(biomed,k=50)`, or the `phases:` name. */
function displayName(p: ResolvedPhase, src: PhaseSource): string {
  if (p.named) return p.named;
  switch (src.type) {
    case 'dapt':
      return src.irrelevantTo ? `not_dapt(${src.irrelevantTo})` : `dapt(${src.corpus})`;
    case 'tapt':
      return 'tapt';
    case 'curated_tapt':
      return `curated_tapt(${'corpus' in src.pool ? src.pool.corpus : TASK_UNLABELLED})`;
    case 'knn_tapt':
      return `knn_tapt(${src.pool},k=${src.k})`;
    case 'rand_tapt':
      return src.sizeMatch ? `rand_tapt(size_of=${src.sizeMatch})` : `rand_tapt(${src.pool},k=${src.k})`;
    case 'transfer_tapt':
      return `transfer_tapt(${src.task})`;
  }
}

export function toPhaseSpec(doc: Raw, p: ResolvedPhase): PhaseSpec {
  const defaults = rec(doc.defaults);
  const family = familyOf(p.type);
  const layers: unknown[] = [defaults];
  if (family !== p.type) layers.push(defaults[family]);
  layers.push(defaults[p.type]);
  if (isRecord(p.value)) layers.push(p.value);
  const src = source(doc, p);
  return { name: displayName(p, src), source: src, ...resolveSettings(family, layers) };
}
