/**
 * RAND-TAPT candidates: k random pool documents per query (seeded), or — when size-matched to a
 * kNN selection — random documents until the union reaches exactly that size, drawn round-robin
 * over the queries so each query still owns its draws (at most ⌈target / queries⌉ each).
 * Draws are over distinct texts only (one representative per normalised text).
 */
import { DataError } from '../errors.ts';
import { createRandom, shuffleInPlace } from '../data/seeded-random.ts';

export interface RandomDraw {
  /** Per query, its drawn pool ids in draw order. */
  perQuery: Int32Array[];
  /** Union of the draws, ascending. */
  selected: Int32Array;
}

/**
 * `candidates`: the drawable pool ids (distinct texts). Without `target`, each query draws
 * min(k, |candidates|) distinct ids independently; with it, draws continue until the union holds
 * exactly `target` ids.
 */
export function randomDraw(candidates: Int32Array, queries: number, opts: { k: number; seed: number; target: number | null }): RandomDraw {
  const random = createRandom(opts.seed);
  const n = candidates.length;
  const perQuery: number[][] = Array.from({ length: queries }, () => []);
  const inUnion = new Uint8Array(n);
  let unionSize = 0;
  if (opts.target === null) {
    const kq = Math.min(opts.k, n);
    for (let q = 0; q < queries; q++) {
      // Floyd's algorithm: kq distinct indices without shuffling the whole pool.
      const chosen = new Set<number>();
      for (let j = n - kq; j < n; j++) {
        const t = random.int(j + 1);
        const pick = chosen.has(t) ? j : t;
        chosen.add(pick);
        perQuery[q]!.push(pick);
      }
      for (const i of perQuery[q]!) if (!inUnion[i]) (inUnion[i] = 1), unionSize++;
    }
  } else {
    const target = opts.target;
    if (target > n) {
      throw new DataError(`size matching asks for ${target} documents but the pool has only ${n} distinct documents`);
    }
    if (queries === 0 && target > 0) throw new DataError('size matching needs at least one query to draw for');
    // Rejection sampling against the union while most of the pool is free; after that, the
    // leftovers once, shuffled, so nearly-whole-pool targets stay linear.
    let q = 0;
    let leftovers: number[] | null = null;
    while (unionSize < target) {
      let pick: number;
      if (leftovers === null && n - unionSize > n / 8) {
        do pick = random.int(n);
        while (inUnion[pick]);
      } else {
        if (leftovers === null) {
          leftovers = [];
          for (let i = 0; i < n; i++) if (!inUnion[i]) leftovers.push(i);
          shuffleInPlace(leftovers, random);
        }
        pick = leftovers.pop()!;
      }
      inUnion[pick] = 1;
      unionSize++;
      perQuery[q]!.push(pick);
      q = (q + 1) % queries;
    }
  }
  const selected = new Int32Array(unionSize);
  let at = 0;
  for (let i = 0; i < n; i++) if (inUnion[i]) selected[at++] = candidates[i]!;
  return { perQuery: perQuery.map((ids) => Int32Array.from(ids, (i) => candidates[i]!)), selected };
}
