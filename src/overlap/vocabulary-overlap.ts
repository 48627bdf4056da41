/** The overlap matrix from per-corpus unigram counts. */
import { ENGLISH_STOPWORDS } from '../data/stopwords.ts';
import type { OverlapMatrix, OverlapSource, VocabularyStats } from './types.ts';
import { corpusUnigrams, countUnigrams, sortCounts, type UnigramCounts } from './unigrams.ts';

export interface OverlapOptions {
  /** Vocabulary size per corpus (default 10,000, as in the paper). */
  top?: number;
  /** Where unigram counts are cached (null: no cache). */
  cacheDir?: string | null;
  onProgress?: (message: string) => void;
}

const percent = (x: number) => Math.round(x * 10000) / 100;

/** The matrix from counts already in hand (pure; the tests' entry point). */
export function overlapFromCounts(named: ReadonlyArray<{ name: string; counts: UnigramCounts }>, top: number): OverlapMatrix {
  const vocabularies = named.map(({ counts }) => new Set(counts.entries.slice(0, top).map((e) => e[0])));
  const stats: VocabularyStats[] = named.map(({ name, counts }, i) => ({ name, tokens: counts.tokens, types: counts.entries.length, vocabulary: vocabularies[i]!.size }));
  const n = named.length;
  const shared = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const overlap = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const jaccard = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const a = vocabularies[i]!;
      const b = vocabularies[j]!;
      let both = 0;
      for (const w of a.size <= b.size ? a : b) if ((a.size <= b.size ? b : a).has(w)) both++;
      shared[i]![j] = both;
      const smaller = Math.min(a.size, b.size);
      overlap[i]![j] = smaller === 0 ? 0 : percent(both / smaller);
      const union = a.size + b.size - both;
      jaccard[i]![j] = union === 0 ? 0 : percent(both / union);
    }
  }
  return {
    top,
    names: named.map((x) => x.name),
    stats,
    overlap,
    jaccard,
    shared,
    method: {
      overlap: `overlap(a, b) = 100 · |V_a ∩ V_b| / min(|V_a|, |V_b|), V_x = the ${top} most frequent words of x; equals the paper's |V_a ∩ V_b| / |V| with |V| = ${top} whenever both corpora have ${top} distinct words`,
      jaccard: 'jaccard(a, b) = 100 · |V_a ∩ V_b| / |V_a ∪ V_b|',
      tokens: 'lower-cased runs of Unicode letters/digits that contain a letter',
      stopwords: `English stopwords excluded: NLTK's list (${ENGLISH_STOPWORDS.length} words)`,
      ties: 'words with equal counts are ranked alphabetically at the top-N cut',
    },
  };
}

/** Counts (cached) every source and computes the matrix. */
export async function computeOverlap(corpora: ReadonlyArray<OverlapSource>, opts: OverlapOptions = {}): Promise<OverlapMatrix> {
  const top = opts.top ?? 10000;
  const named: Array<{ name: string; counts: UnigramCounts }> = [];
  for (const c of corpora) {
    opts.onProgress?.(`overlap: counting words of ${c.name}`);
    if (c.texts) {
      const entries = sortCounts(countUnigrams(c.texts));
      named.push({ name: c.name, counts: { entries, tokens: entries.reduce((a, e) => a + e[1], 0) } });
    } else named.push({ name: c.name, counts: await corpusUnigrams(c.files, opts.cacheDir ?? null) });
  }
  return overlapFromCounts(named, top);
}
