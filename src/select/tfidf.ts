/**
 * The `tfidf` embedder: bag-of-words vectors with smoothed idf, optional sublinear tf, each
 * L2-normalised, so a dot product is the cosine. The paper embedded with VAMPIRE, a bag-of-words
 * VAE (Gururangan et al. 2019); tf-idf keeps the bag-of-words view without training a model,
 * which makes it the fast default. idf is fitted on the pool only (queries do not shift it).
 *
 *   tf'  = 1 + ln(tf) if sublinear else tf
 *   idf  = ln((1 + N) / (1 + df)) + 1          (N = pool documents; scikit-learn's smooth idf)
 *   v    = tf' · idf, then v / ‖v‖₂
 *
 * Vocabulary `hashed`: id = FNV-1a(token) mod dims (no vocabulary to store, collisions merge
 * words). `fitted`: the `dims` terms with the highest document frequency in the pool (ties by
 * term), other terms dropped. Terms absent from the pool are dropped from queries too.
 */
import { GrowableFloat32, GrowableInt32 } from './growable.ts';
import type { SparseRows } from './types.ts';
import { tokenHashes, wordNgrams, type HashBuffer } from './word-tokens.ts';

export interface TfidfSettings {
  dims: number;
  vocabulary: 'hashed' | 'fitted';
  sublinearTf: boolean;
  /** Fitted vocabularies only: terms are word n-grams up to this length (default 1)... */
  ngramMax?: number;
  /** ...and keep stopwords (default: dropped). */
  keepStopwords?: boolean;
}

/** The terms of a document for a fitted vocabulary. */
function fittedTerms(doc: string, settings: TfidfSettings): string[] {
  return wordNgrams(doc, settings.ngramMax ?? 1, settings.keepStopwords ?? false);
}

export interface TfidfInfo extends TfidfSettings {
  poolDocs: number;
  /** Dimensions with a non-zero document frequency. */
  usedDims: number;
  emptyPoolDocs: number;
}

/** Counts term ids per document into CSR (ids unique per row; values = raw counts). */
class RowCounter {
  readonly ids = new GrowableInt32(1 << 16);
  readonly counts = new GrowableFloat32(1 << 16);
  readonly rowStart = new GrowableInt32(1 << 12);
  private mark = new Int32Array(1 << 16).fill(-1);
  private slot = new Int32Array(1 << 16);
  private row = 0;

  constructor() {
    this.rowStart.push(0);
  }

  add(id: number): void {
    if (id >= this.mark.length) this.grow(id);
    if (this.mark[id] === this.row) {
      this.counts.data[this.slot[id]!]! += 1;
      return;
    }
    this.mark[id] = this.row;
    this.slot[id] = this.ids.length;
    this.ids.push(id);
    this.counts.push(1);
  }

  endRow(): void {
    this.rowStart.push(this.ids.length);
    this.row++;
  }

  private grow(id: number): void {
    let size = this.mark.length;
    while (size <= id) size *= 2;
    const mark = new Int32Array(size).fill(-1);
    mark.set(this.mark);
    const slot = new Int32Array(size);
    slot.set(this.slot);
    this.mark = mark;
    this.slot = slot;
  }

  rows(dims: number): SparseRows {
    return { rows: this.row, dims, rowStart: this.rowStart.toArray(), ids: this.ids.toArray(), values: this.counts.toArray() };
  }
}

/** Applies tf', idf and L2 normalisation in place. */
function weigh(m: SparseRows, idf: Float32Array, sublinear: boolean): SparseRows {
  for (let r = 0; r < m.rows; r++) {
    const start = m.rowStart[r]!;
    const end = m.rowStart[r + 1]!;
    let norm = 0;
    for (let j = start; j < end; j++) {
      const tf = m.values[j]!;
      const w = (sublinear ? 1 + Math.log(tf) : tf) * idf[m.ids[j]!]!;
      m.values[j] = w;
      norm += m.values[j]! * m.values[j]!;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = start; j < end; j++) m.values[j] = m.values[j]! * inv;
  }
  return m;
}

/** Keeps only ids with `keep(id)` (and a new id `remap[id]`). */
function remapRows(m: SparseRows, remap: Int32Array, dims: number): SparseRows {
  const rowStart = new Int32Array(m.rows + 1);
  const ids = new GrowableInt32(m.ids.length || 1);
  const values = new GrowableFloat32(m.ids.length || 1);
  for (let r = 0; r < m.rows; r++) {
    for (let j = m.rowStart[r]!; j < m.rowStart[r + 1]!; j++) {
      const id = remap[m.ids[j]!]!;
      if (id < 0) continue;
      ids.push(id);
      values.push(m.values[j]!);
    }
    rowStart[r + 1] = ids.length;
  }
  return { rows: m.rows, dims, rowStart, ids: ids.toArray(), values: values.toArray() };
}

export class TfidfEmbedder {
  private constructor(
    readonly settings: TfidfSettings,
    private readonly idf: Float32Array,
    /** fitted only: term -> id. */
    private readonly vocabulary: Map<string, number> | null,
    readonly info: TfidfInfo,
  ) {}

  /** Fits idf (and the vocabulary) on the pool; returns the embedder and the pool's vectors.
   *  `observe` sees every document as it streams by. */
  static async fit(
    docs: AsyncIterable<string> | Iterable<string>,
    settings: TfidfSettings,
    observe?: (doc: string, index: number) => void,
  ): Promise<{ embedder: TfidfEmbedder; pool: SparseRows }> {
    const counter = new RowCounter();
    const provisional = settings.vocabulary === 'fitted' ? new Map<string, number>() : null;
    const terms: string[] = [];
    const dims = settings.dims;
    const buffer: HashBuffer = { hashes: new Uint32Array(1024) };
    let n = 0;
    for await (const doc of docs) {
      observe?.(doc, n++);
      if (provisional) {
        for (const t of fittedTerms(doc, settings)) {
          let id = provisional.get(t);
          if (id === undefined) {
            id = terms.length;
            provisional.set(t, id);
            terms.push(t);
          }
          counter.add(id);
        }
      } else {
        const count = tokenHashes(doc, buffer);
        const hashes = buffer.hashes;
        for (let i = 0; i < count; i++) counter.add(hashes[i]! % dims);
      }
      counter.endRow();
    }
    let rows = counter.rows(provisional ? terms.length : dims);
    let vocabulary: Map<string, number> | null = null;
    if (provisional) {
      const df = new Int32Array(terms.length);
      for (let j = 0; j < rows.ids.length; j++) df[rows.ids[j]!]!++;
      const order = terms.map((_, i) => i).sort((a, b) => df[b]! - df[a]! || (terms[a]! < terms[b]! ? -1 : 1));
      const kept = order.slice(0, dims);
      const remap = new Int32Array(terms.length).fill(-1);
      kept.forEach((old, id) => (remap[old] = id));
      vocabulary = new Map(kept.map((old, id) => [terms[old]!, id]));
      rows = remapRows(rows, remap, kept.length);
    }
    const df = new Int32Array(rows.dims);
    for (let j = 0; j < rows.ids.length; j++) df[rows.ids[j]!]!++;
    const idf = new Float32Array(rows.dims);
    let used = 0;
    for (let d = 0; d < rows.dims; d++) {
      if (df[d]! > 0) used++;
      idf[d] = df[d]! > 0 ? Math.log((1 + rows.rows) / (1 + df[d]!)) + 1 : 0;
    }
    let empty = 0;
    for (let r = 0; r < rows.rows; r++) if (rows.rowStart[r] === rows.rowStart[r + 1]) empty++;
    const info: TfidfInfo = { ...settings, poolDocs: rows.rows, usedDims: used, emptyPoolDocs: empty };
    return { embedder: new TfidfEmbedder(settings, idf, vocabulary, info), pool: weigh(rows, idf, settings.sublinearTf) };
  }

  /** Embeds texts (queries) in the pool's space; terms the pool never has are dropped. */
  embed(texts: Iterable<string>): SparseRows {
    const counter = new RowCounter();
    const idf = this.idf;
    const dims = idf.length;
    const vocabulary = this.vocabulary;
    const buffer: HashBuffer = { hashes: new Uint32Array(1024) };
    for (const text of texts) {
      if (vocabulary) {
        for (const t of fittedTerms(text, this.settings)) {
          const id = vocabulary.get(t);
          if (id !== undefined) counter.add(id);
        }
      } else {
        const count = tokenHashes(text, buffer);
        for (let i = 0; i < count; i++) {
          const id = buffer.hashes[i]! % dims;
          if (idf[id]! > 0) counter.add(id);
        }
      }
      counter.endRow();
    }
    return weigh(counter.rows(dims), idf, this.settings.sublinearTf);
  }
}
