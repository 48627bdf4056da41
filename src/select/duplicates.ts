/**
 * Pool de-duplication by normalised text (src/data/normalize.ts) while the pool streams by:
 * each document maps to the first document with the same text. Texts are kept as 53-bit hashes
 * (two 32-bit lanes), not strings, so a million-document pool costs megabytes, not gigabytes;
 * a hash collision could at worst merge two different documents, never keep a duplicate.
 */
import { normalisedTextHash } from '../data/normalize.ts';

/**
 * Open-addressing table from text hash to first document id: a Map keyed by 53-bit numbers
 * boxes every key, which costs more than the rest of the de-duplication.
 */
export class DuplicateTracker {
  private keys = new Float64Array(1 << 12);
  private firsts = new Int32Array(1 << 12).fill(-1);
  private used = 0;
  private canonicalIds = new Int32Array(1024);
  private count = 0;

  /** Registers the next document (ids are 0, 1, 2, … in call order). */
  add(text: string): void {
    const key = normalisedTextHash(text);
    const id = this.count++;
    if (id === this.canonicalIds.length) {
      const next = new Int32Array(this.canonicalIds.length * 2);
      next.set(this.canonicalIds);
      this.canonicalIds = next;
    }
    this.canonicalIds[id] = this.firstOf(key, id);
  }

  /** The first id registered under `key`, registering `id` if there is none. */
  private firstOf(key: number, id: number): number {
    if (this.used * 2 >= this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    for (let slot = (key >>> 0) & mask; ; slot = (slot + 1) & mask) {
      const first = this.firsts[slot]!;
      if (first < 0) {
        this.keys[slot] = key;
        this.firsts[slot] = id;
        this.used++;
        return id;
      }
      if (this.keys[slot] === key) return first;
    }
  }

  private grow(): void {
    const keys = this.keys;
    const firsts = this.firsts;
    this.keys = new Float64Array(keys.length * 2);
    this.firsts = new Int32Array(keys.length * 2).fill(-1);
    const mask = this.keys.length - 1;
    for (let i = 0; i < keys.length; i++) {
      if (firsts[i]! < 0) continue;
      let slot = (keys[i]! >>> 0) & mask;
      while (this.firsts[slot]! >= 0) slot = (slot + 1) & mask;
      this.keys[slot] = keys[i]!;
      this.firsts[slot] = firsts[i]!;
    }
  }

  /** canonical[i] = the first document with document i's normalised text. */
  canonical(): Int32Array {
    return this.canonicalIds.slice(0, this.count);
  }

  get distinct(): number {
    return this.used;
  }
}
