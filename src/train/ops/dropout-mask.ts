/**
 * Dropout keep-masks from a counter-based hash of (seed, element index), so every ops
 * implementation (reference, fused, native) draws the identical mask for the same seed and a
 * resumed run matches an uninterrupted one whatever backend computed it.
 */
import { fmix32 } from '../rng.ts';

/** 32-bit mix of (seed, i): the murmur3 finaliser over a Weyl-sequence counter (the native
 *  kernels compute the same function). */
function mix(seed: number, i: number): number {
  return fmix32((Math.imul(i, 0x9e3779b9) ^ Math.imul(seed | 0, 0x85ebca6b)) >>> 0);
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
