/**
 * Counter-based randomness: every random draw in training is a pure function of (run seed,
 * stream, coordinates such as epoch/step/example, counter). Nothing carries hidden state from
 * one step to the next, so a run resumed from a checkpoint draws exactly what an uninterrupted
 * run would, and the "RNG state" a checkpoint needs is just the seed.
 */

/** Named streams, so draws for different purposes never collide. Values are fixed forever:
 *  changing one changes every result. */
export const Stream = {
  init: 1,
  shuffle: 2,
  mask: 3,
  dropout: 4,
  heldOutMask: 5,
  subset: 6,
  resample: 7,
  finetuneShuffle: 8,
} as const;

/** The murmur3 32-bit finaliser (also used by the dropout masks, see ops/dropout-mask.ts). */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Folds one integer (any safe integer, negative allowed) into a running 32-bit hash. */
function fold(h: number, value: number): number {
  const lo = value >>> 0;
  const hi = Math.floor(value / 4294967296) >>> 0;
  h = fmix32((h ^ Math.imul(lo, 0xcc9e2d51)) + 0x9e3779b9);
  return fmix32((h ^ Math.imul(hi, 0x1b873593)) + 0x7f4a7c15);
}

/** A 32-bit key for a tuple of integers (seed, stream, coordinates…). */
export function hashKey(...parts: number[]): number {
  let h = 0x2545f491;
  for (const p of parts) h = fold(h, p);
  return h;
}

/** The i-th 32-bit draw of a stream keyed by `key`. */
export function drawU32(key: number, i: number): number {
  return fmix32(fmix32((key ^ Math.imul(i, 0x9e3779b9)) >>> 0) + Math.imul(key, 0x27d4eb2f));
}

/** A sequence of draws for one key; `counter` is the only state and starts at 0. */
export class KeyedRng {
  private counter = 0;
  constructor(readonly key: number) {}

  nextU32(): number {
    return drawU32(this.key, this.counter++);
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box–Muller; one of the pair is discarded to keep draws positional). */
  normal(): number {
    const u1 = (this.nextU32() + 1) / 4294967297;
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}

/** Shorthand: a KeyedRng for (parts…). */
export function rngFor(...parts: number[]): KeyedRng {
  return new KeyedRng(hashKey(...parts));
}

/** A seeded permutation of 0..n-1 (Fisher–Yates). */
export function permutation(n: number, rng: KeyedRng): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
