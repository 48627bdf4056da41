import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from '../../src/data/seeded-random.ts';
import { ENGLISH_STOPWORD_SET } from '../../src/data/stopwords.ts';
import { SparseSearcher } from '../../src/select/knn-sparse.ts';
import { BLOCK_DOCS, buildInvertedIndex } from '../../src/select/sparse-index.ts';
import { TfidfEmbedder, type TfidfSettings } from '../../src/select/tfidf.ts';
import type { Neighbours, SparseRows } from '../../src/select/types.ts';

const WORDS = ['the', 'of', 'cell', 'gene', 'protein', 'model', 'parser', 'tree', 'news', 'vote', 'film', 'plot', 'actor', 'drug', 'dose', 'trial', 'data', 'graph', 'node', 'edge', 'mouse', 'liver', 'score', 'team'];

function corpus(seed: number, docs: number, maxLen: number): string[] {
  const random = createRandom(seed);
  return Array.from({ length: docs }, () => {
    const n = 1 + random.int(maxLen);
    return Array.from({ length: n }, () => WORDS[Math.min(WORDS.length - 1, Math.floor(WORDS.length * random.next() ** 2))]).join(' ');
  });
}

/** Brute force over the same vectors: every pool row scored in its own term order. */
function bruteForce(pool: SparseRows, queries: SparseRows, r: number, k: number): Neighbours {
  const q = new Map<number, number>();
  for (let j = queries.rowStart[r]!; j < queries.rowStart[r + 1]!; j++) q.set(queries.ids[j]!, queries.values[j]!);
  const scored: Array<[number, number]> = [];
  for (let d = 0; d < pool.rows; d++) {
    let s = 0;
    let shared = false;
    for (let j = pool.rowStart[d]!; j < pool.rowStart[d + 1]!; j++) {
      const w = q.get(pool.ids[j]!);
      if (w !== undefined) {
        shared = true;
        s += w * pool.values[j]!;
      }
    }
    if (shared) scored.push([d, s]);
  }
  scored.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const top = scored.slice(0, k);
  return { ids: Int32Array.from(top, (x) => x[0]), scores: Float64Array.from(top, (x) => x[1]) };
}

/** Independent tf-idf from the definition (fitted vocabulary, no dimension limit). */
function referenceVectors(pool: string[], sublinear: boolean): Array<Map<string, number>> {
  const tokens = pool.map((d) => (d.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((t) => !ENGLISH_STOPWORD_SET.has(t)));
  const df = new Map<string, number>();
  for (const ts of tokens) for (const t of new Set(ts)) df.set(t, (df.get(t) ?? 0) + 1);
  return tokens.map((ts) => {
    const tf = new Map<string, number>();
    for (const t of ts) tf.set(t, (tf.get(t) ?? 0) + 1);
    const v = new Map([...tf].map(([t, c]) => [t, (sublinear ? 1 + Math.log(c) : c) * (Math.log((1 + pool.length) / (1 + df.get(t)!)) + 1)]));
    const norm = Math.sqrt([...v.values()].reduce((a, x) => a + x * x, 0));
    return new Map([...v].map(([t, x]) => [t, x / norm]));
  });
}

async function searchAll(pool: string[], queries: string[], settings: TfidfSettings, k: number) {
  const { embedder, pool: rows } = await TfidfEmbedder.fit(pool, settings);
  const q = embedder.embed(queries);
  const searcher = new SparseSearcher(buildInvertedIndex(rows), rows, k);
  return { rows, q, found: queries.map((_, r) => searcher.search(q, r)) };
}

describe('tf-idf embedder', () => {
  it('matches tf-idf computed from its definition (fitted vocabulary)', async () => {
    const pool = [...corpus(1, 60, 12), 'The GENE, the gene; the Protein!'];
    for (const sublinear of [true, false]) {
      const { embedder, pool: rows } = await TfidfEmbedder.fit(pool, { dims: 1000, vocabulary: 'fitted', sublinearTf: sublinear });
      const reference = referenceVectors(pool, sublinear);
      const vocab = embedder.embed(WORDS);
      for (let d = 0; d < pool.length; d++) {
        const got = new Map<string, number>();
        for (let j = rows.rowStart[d]!; j < rows.rowStart[d + 1]!; j++) {
          const word = WORDS.find((_, w) => vocab.ids[vocab.rowStart[w]!] === rows.ids[j] && vocab.rowStart[w + 1]! > vocab.rowStart[w]!)!;
          got.set(word, rows.values[j]!);
        }
        assert.deepEqual([...got.keys()].sort(), [...reference[d]!.keys()].sort(), `terms of doc ${d}`);
        for (const [t, x] of reference[d]!) assert.ok(Math.abs(got.get(t)! - x) < 1e-6, `doc ${d} term ${t}: ${got.get(t)} vs ${x}`);
      }
    }
  });

  it('keeps only the `dims` most frequent terms when fitted, and drops unknown query terms', async () => {
    const { embedder, pool } = await TfidfEmbedder.fit(['gene gene cell', 'gene cell', 'gene tree'], { dims: 2, vocabulary: 'fitted', sublinearTf: false });
    assert.equal(pool.dims, 2);
    const q = embedder.embed(['tree unknownword gene']);
    assert.equal(q.rowStart[1], 1, 'only "gene" is in the 2-term vocabulary {gene, cell}');
    assert.ok(Math.abs(q.values[0]! - 1) < 1e-7);
  });
});

describe('exact kNN', () => {
  const cases: Array<[string, TfidfSettings]> = [
    ['fitted', { dims: 100000, vocabulary: 'fitted', sublinearTf: true }],
    ['hashed (with collisions)', { dims: 7, vocabulary: 'hashed', sublinearTf: false }],
  ];
  for (const [name, settings] of cases) {
    it(`equals brute force: same documents, same scores, ties by pool index (${name})`, async () => {
      const pool = corpus(2, 400, 10);
      pool.push(pool[5]!, pool[5]!); // exact duplicates: tied scores, lower index first
      const queries = [...corpus(3, 40, 8), pool[5]!, 'zzz unseen words only'];
      const { rows, q, found } = await searchAll(pool, queries, settings, 7);
      found.forEach((got, r) => {
        const want = bruteForce(rows, q, r, 7);
        assert.deepEqual([...got.ids], [...want.ids], `query ${r} ids`);
        assert.deepEqual([...got.scores], [...want.scores], `query ${r} scores`);
      });
      // With 7 hashed dimensions every word collides with some pool word; fitted has no collisions.
      if (settings.vocabulary === 'fitted') assert.equal(found.at(-1)!.ids.length, 0, 'a query sharing no term has no neighbours');
      const dup = found.at(-2)!;
      const rank = (id: number) => [...dup.ids].indexOf(id);
      assert.ok(rank(5) >= 0 && rank(5) < rank(400) && rank(400) < rank(401), 'identical documents tie; the lower pool index ranks first');
      assert.equal(dup.scores[rank(5)], dup.scores[rank(401)]);
    });
  }

  it('equals brute force across index blocks', async () => {
    const pool = corpus(4, BLOCK_DOCS + 5000, 4);
    const queries = corpus(5, 6, 5);
    const { rows, q, found } = await searchAll(pool, queries, { dims: 1000, vocabulary: 'hashed', sublinearTf: true }, 20);
    found.forEach((got, r) => {
      const want = bruteForce(rows, q, r, 20);
      assert.deepEqual([...got.ids], [...want.ids]);
      assert.deepEqual([...got.scores], [...want.scores]);
    });
  });
});
