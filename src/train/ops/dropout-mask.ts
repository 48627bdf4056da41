/**
 * Dropout keep-masks from a counter-based hash of (seed, element index), so every ops
 * implementation (reference, fused, native) draws the identical mask for the same seed and a
 * resumed run matches an uninterrupted one whatever backend computed it.
 */

/** 32-bit mix of (seed, i) (murmur3 finaliser over a Weyl-sequence counter). */
function mix(seed: number, i: number): number {
  let h = (Math.imul(i, 0x9e3779b9) ^ Math.imul(seed | 0, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** An element is kept when its hash is at least this. */
export function dropoutThreshold(rate: number): number {
  return Math.floor(rate * 4294967296);
}

/** Inverted-dropout multipliers: 0 where dropped, 1/(1-rate) where kept. */
export function dropoutScaleMask(size: number, rate: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  const threshold = dropoutThreshold(rate);
  const keep = 1 / (1 - rate);
  for (let i = 0; i < size; i++) out[i] = mix(seed, i) >= threshold ? keep : 0;
  return out;
}
