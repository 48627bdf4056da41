/** Domain similarity as vocabulary overlap (the paper's Figure 2). */

export interface OverlapSource {
  name: string;
  /** Text files, one document per line, read in order. */
  files: string[];
  /** Or the documents themselves (e.g. a task's train text); not cached. */
  texts?: readonly string[];
}

export interface VocabularyStats {
  name: string;
  /** Tokens counted (letter-bearing, non-stopword). */
  tokens: number;
  /** Distinct such words in the whole corpus. */
  types: number;
  /** |V|: size of the top-`top` vocabulary (smaller than `top` only for small corpora). */
  vocabulary: number;
}

export interface OverlapMatrix {
  /** The requested vocabulary size per corpus (the paper's 10K). */
  top: number;
  names: string[];
  stats: VocabularyStats[];
  /** overlap[i][j] in percent: 100 · |V_i ∩ V_j| / min(|V_i|, |V_j|). */
  overlap: number[][];
  /** jaccard[i][j] in percent: 100 · |V_i ∩ V_j| / |V_i ∪ V_j|. */
  jaccard: number[][];
  /** |V_i ∩ V_j|. */
  shared: number[][];
  /** How the numbers were computed, in words (shown with every table). */
  method: {
    overlap: string;
    jaccard: string;
    tokens: string;
    stopwords: string;
    ties: string;
  };
}
