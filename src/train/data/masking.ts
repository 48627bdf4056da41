/**
 * BERT masking of one example. Each maskable position (or, with whole-word masking, each word)
 * is selected with probability p; a selected token becomes [MASK], a random token or stays, in
 * the `replace` proportions (80/10/10 by default). Special tokens and padding are never
 * selected. Every decision is a draw keyed by (example key, position), so the same key gives
 * the same masks, and raising p only adds masked positions (a schedule never reshuffles).
 */
import type { MaskingSpec } from '../../config/types.ts';
import { drawU32 } from '../rng.ts';

export interface MaskVocabulary {
  maskId: number;
  /** 1 for ids that are never masked (special and added tokens). */
  specialMask: Uint8Array;
  /** 1 for ids that begin a word. */
  wordStart: Uint8Array;
  /** Ids a random replacement is drawn from (every non-special id). */
  randomIds: Int32Array;
}

export interface MaskSettings {
  p: number;
  replace: MaskingSpec['replace'];
  wholeWord: boolean;
}

export function maskVocabulary(maskId: number, specialMask: Uint8Array, wordStart: Uint8Array): MaskVocabulary {
  const ids: number[] = [];
  for (let i = 0; i < specialMask.length; i++) if (specialMask[i] !== 1) ids.push(i);
  return { maskId, specialMask, wordStart, randomIds: Int32Array.from(ids) };
}

const twoTo32 = 4294967296;

/**
 * Writes the masked input for `tokens` into `out` (same length) and pushes each masked
 * position (plus `base`) and its original token. Returns how many positions were masked.
 */
export function maskExample(
  tokens: Int32Array,
  out: Int32Array,
  key: number,
  settings: MaskSettings,
  vocab: MaskVocabulary,
  positions: number[],
  labels: number[],
  base: number,
): number {
  const threshold = settings.p * twoTo32;
  const maskCut = settings.replace.mask * twoTo32;
  const randomCut = (settings.replace.mask + settings.replace.random) * twoTo32;
  let masked = 0;
  let wordSelected = false;
  for (let j = 0; j < tokens.length; j++) {
    const t = tokens[j]!;
    out[j] = t;
    if (vocab.specialMask[t] === 1) {
      wordSelected = false;
      continue;
    }
    let selected: boolean;
    if (settings.wholeWord) {
      const startsWord = vocab.wordStart[t] === 1 || j === 0 || vocab.specialMask[tokens[j - 1]!] === 1;
      if (startsWord) wordSelected = drawU32(key, 3 * j) < threshold;
      selected = wordSelected;
    } else {
      selected = drawU32(key, 3 * j) < threshold;
    }
    if (!selected) continue;
    const r = drawU32(key, 3 * j + 1);
    if (r < maskCut) out[j] = vocab.maskId;
    else if (r < randomCut) out[j] = vocab.randomIds[Math.floor((drawU32(key, 3 * j + 2) / twoTo32) * vocab.randomIds.length)]!;
    positions.push(base + j);
    labels.push(t);
    masked++;
  }
  return masked;
}
