/**
 * MLM training examples from tokenized documents, each `[CLS] … [SEP]` of at most
 * maxSeqLength tokens:
 * - packed: documents joined by [SEP] into one stream, cut into maxSeqLength-2 pieces (the last
 *   piece may be shorter) — no padding is wasted, as in RoBERTa's FULL-SENTENCES;
 * - line_by_line: one example per document, truncated.
 */
import { DataError } from '../../errors.ts';
import type { TokenizedDocs } from '../tokenize/token-cache.ts';

export interface MlmExamples {
  /** All examples' tokens, concatenated. */
  tokens: Int32Array;
  /** Example i is tokens[starts[i] .. starts[i + 1]). */
  starts: Uint32Array;
  count: number;
}

export interface ExampleSpecials {
  cls: number;
  sep: number;
  /** 1 for ids that can never be masked. */
  specialMask: Uint8Array;
}

function hasMaskable(stream: Int32Array, from: number, to: number, specialMask: Uint8Array): boolean {
  for (let i = from; i < to; i++) if (specialMask[stream[i]!] !== 1) return true;
  return false;
}

export function buildExamples(docs: TokenizedDocs, packing: 'packed' | 'line_by_line', maxSeqLength: number, sp: ExampleSpecials): MlmExamples {
  if (maxSeqLength < 3) throw new DataError(`maxSeqLength ${maxSeqLength} leaves no room between [CLS] and [SEP]`);
  const body = maxSeqLength - 2;
  const nDocs = docs.offsets.length - 1;
  const pieces: Array<[Int32Array, number, number]> = [];
  if (packing === 'packed') {
    const stream = new Int32Array(docs.ids.length + nDocs);
    let at = 0;
    for (let d = 0; d < nDocs; d++) {
      const doc = docs.ids.subarray(docs.offsets[d]!, docs.offsets[d + 1]!);
      if (doc.length === 0) continue;
      stream.set(doc, at);
      at += doc.length;
      stream[at++] = sp.sep;
    }
    for (let from = 0; from < at; from += body) {
      const to = Math.min(at, from + body);
      if (hasMaskable(stream, from, to, sp.specialMask)) pieces.push([stream, from, to]);
    }
  } else {
    for (let d = 0; d < nDocs; d++) {
      const from = docs.offsets[d]!;
      const to = Math.min(docs.offsets[d + 1]!, from + body);
      if (to > from && hasMaskable(docs.ids, from, to, sp.specialMask)) pieces.push([docs.ids, from, to]);
    }
  }
  const total = pieces.reduce((a, [, f, t]) => a + t - f + 2, 0);
  const tokens = new Int32Array(total);
  const starts = new Uint32Array(pieces.length + 1);
  let at = 0;
  pieces.forEach(([src, from, to], i) => {
    starts[i] = at;
    tokens[at++] = sp.cls;
    tokens.set(src.subarray(from, to), at);
    at += to - from;
    tokens[at++] = sp.sep;
  });
  starts[pieces.length] = at;
  return { tokens, starts, count: pieces.length };
}

export function exampleTokens(ex: MlmExamples, i: number): Int32Array {
  return ex.tokens.subarray(ex.starts[i]!, ex.starts[i + 1]!);
}
