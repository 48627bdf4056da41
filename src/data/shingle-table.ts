/**
 * Open-addressing hash table from a 64-bit shingle hash (two 32-bit lanes) to the first text
 * holding it, plus any further texts. A Map keyed by numbers this large boxes every key, which
 * made the lookups most of the leakage scan's time; here a lookup allocates nothing.
 */
export class ShingleTable {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private firsts: Int32Array;
  private more = new Map<number, number[]>();
  private used = 0;

  /** `expected`: roughly how many shingles will be added (sizes the table once). */
  constructor(expected = 2048) {
    let size = 1 << 12;
    while (size < expected * 2) size *= 2;
    this.hi = new Uint32Array(size);
    this.lo = new Uint32Array(size);
    this.firsts = new Int32Array(size).fill(-1);
  }

  get size(): number {
    return this.used;
  }

  /** Slot of (h1, h2), or -1. */
  find(h1: number, h2: number): number {
    const mask = this.firsts.length - 1;
    for (let slot = h1 & mask; ; slot = (slot + 1) & mask) {
      if (this.firsts[slot]! < 0) return -1;
      if (this.hi[slot] === h1 && this.lo[slot] === h2) return slot;
    }
  }

  /** The texts in a slot, first one first. */
  refs(slot: number): number[] {
    const extra = this.more.get(slot);
    return extra ? [this.firsts[slot]!, ...extra] : [this.firsts[slot]!];
  }

  /** Records that text `ref` holds (h1, h2); refs must arrive in non-decreasing order. */
  add(h1: number, h2: number, ref: number): void {
    if (this.used * 2 >= this.firsts.length) this.grow();
    const mask = this.firsts.length - 1;
    for (let slot = h1 & mask; ; slot = (slot + 1) & mask) {
      const first = this.firsts[slot]!;
      if (first < 0) {
        this.hi[slot] = h1;
        this.lo[slot] = h2;
        this.firsts[slot] = ref;
        this.used++;
        return;
      }
      if (this.hi[slot] === h1 && this.lo[slot] === h2) {
        if (first === ref) return;
        const extra = this.more.get(slot);
        if (!extra) this.more.set(slot, [ref]);
        else if (extra[extra.length - 1] !== ref) extra.push(ref);
        return;
      }
    }
  }

  private grow(): void {
    const { hi, lo, firsts, more } = this;
    const size = firsts.length * 2;
    const nextHi = new Uint32Array(size);
    const nextLo = new Uint32Array(size);
    const nextFirsts = new Int32Array(size).fill(-1);
    const nextMore = new Map<number, number[]>();
    const mask = size - 1;
    for (let i = 0; i < firsts.length; i++) {
      const first = firsts[i]!;
      if (first < 0) continue;
      const h1 = hi[i]!;
      let slot = h1 & mask;
      while (nextFirsts[slot]! >= 0) slot = (slot + 1) & mask;
      nextHi[slot] = h1;
      nextLo[slot] = lo[i]!;
      nextFirsts[slot] = first;
      const extra = more.get(i);
      if (extra) nextMore.set(slot, extra);
    }
    this.hi = nextHi;
    this.lo = nextLo;
    this.firsts = nextFirsts;
    this.more = nextMore;
  }
}
