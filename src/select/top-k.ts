/**
 * Bounded top-k by (score desc, id asc) — the tie-break every kNN path and the brute-force
 * reference share: among equal scores the pool document that comes first wins.
 */
import type { Neighbours } from './types.ts';

/** True when (sa, ia) ranks below (sb, ib). */
function worse(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa < sb || (sa === sb && ia > ib);
}

export class TopK {
  private readonly ids: Int32Array;
  private readonly scores: Float64Array;
  private size = 0;

  constructor(readonly k: number) {
    this.ids = new Int32Array(k);
    this.scores = new Float64Array(k);
  }

  reset(): void {
    this.size = 0;
  }

  /** The score a newcomer must beat once full (−Infinity until then). */
  get threshold(): number {
    return this.size < this.k ? -Infinity : this.scores[0]!;
  }

  offer(id: number, score: number): void {
    const { ids, scores } = this;
    if (this.size < this.k) {
      // Sift up in a min-heap whose root is the worst kept entry.
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(score, id, scores[parent]!, ids[parent]!)) break;
        ids[i] = ids[parent]!;
        scores[i] = scores[parent]!;
        i = parent;
      }
      ids[i] = id;
      scores[i] = score;
      return;
    }
    if (this.k === 0 || !worse(scores[0]!, ids[0]!, score, id)) return;
    let i = 0;
    const n = this.size;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && worse(scores[r]!, ids[r]!, scores[l]!, ids[l]!) ? r : l;
      if (!worse(scores[c]!, ids[c]!, score, id)) break;
      ids[i] = ids[c]!;
      scores[i] = scores[c]!;
      i = c;
    }
    ids[i] = id;
    scores[i] = score;
  }

  /** The kept entries, best first. */
  result(): Neighbours {
    const order = Array.from({ length: this.size }, (_, i) => i).sort((a, b) => this.scores[b]! - this.scores[a]! || this.ids[a]! - this.ids[b]!);
    return { ids: Int32Array.from(order, (i) => this.ids[i]!), scores: Float64Array.from(order, (i) => this.scores[i]!) };
  }
}
