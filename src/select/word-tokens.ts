/**
 * Bag-of-words tokens for the tf-idf embedder: maximal runs of Unicode letters/digits,
 * lower-cased, English stopwords dropped (src/data/stopwords.ts). Scanned by char code (no regex,
 * no substrings in the hashed path) because tokenising a million-document pool is most of the
 * selection's cost.
 */
import { ENGLISH_STOPWORD_SET } from '../data/stopwords.ts';

let wordTable: Uint8Array | null = null;
let lowerTable: Uint16Array | null = null;
/** Stopwords by the low 16 bits of their hash: a table lookup, then a char-by-char compare. */
let stopTable: Array<string[] | undefined> | null = null;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function tables(): { word: Uint8Array; lower: Uint16Array; stop: Array<string[] | undefined> } {
  if (!wordTable || !lowerTable || !stopTable) {
    const word = new Uint8Array(65536);
    const lower = new Uint16Array(65536);
    const letterOrDigit = /^[\p{L}\p{N}]$/u;
    for (let c = 0; c < 65536; c++) {
      lower[c] = c;
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const ch = String.fromCharCode(c);
      if (!letterOrDigit.test(ch)) continue;
      word[c] = 1;
      const l = ch.toLowerCase();
      if (l.length === 1) lower[c] = l.charCodeAt(0);
    }
    wordTable = word;
    lowerTable = lower;
    stopTable = new Array<string[] | undefined>(65536);
    for (const w of ENGLISH_STOPWORD_SET) (stopTable[hashWord(w) & 0xffff] ??= []).push(w);
  }
  return { word: wordTable, lower: lowerTable, stop: stopTable };
}

/** FNV-1a of an already lower-cased word (what forEachTokenHash computes for it). */
export function hashWord(word: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/** Whether text[start, end) lower-cases to one of `words`. */
function isOneOf(words: string[] | undefined, text: string, start: number, end: number, lower: Uint16Array): boolean {
  if (words === undefined) return false;
  outer: for (const w of words) {
    if (w.length !== end - start) continue;
    for (let i = 0; i < w.length; i++) if (lower[text.charCodeAt(start + i)] !== w.charCodeAt(i)) continue outer;
    return true;
  }
  return false;
}

function lowered(text: string, start: number, end: number, lower: Uint16Array): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(lower[text.charCodeAt(i)]!);
  return s;
}

/** A reusable buffer for token hashes (grows as needed). */
export interface HashBuffer {
  hashes: Uint32Array;
}

/**
 * Writes the 32-bit FNV-1a hash of every lower-cased, non-stopword token of `text` into
 * `out.hashes` and returns how many there are (a token whose hash bucket holds a stopword is
 * compared char by char before it is dropped). A buffer rather than a callback keeps the hot
 * loop monomorphic.
 */
export function tokenHashes(text: string, out: HashBuffer): number {
  const { word, lower, stop } = tables();
  let h = FNV_OFFSET;
  let start = -1;
  let count = 0;
  const n = text.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 32;
    if (word[c] === 1) {
      if (start < 0) start = i;
      h = Math.imul(h ^ lower[c]!, FNV_PRIME);
    } else if (start >= 0) {
      if (!isOneOf(stop[h & 0xffff], text, start, i, lower)) {
        if (count === out.hashes.length) {
          const grown = new Uint32Array(out.hashes.length * 2);
          grown.set(out.hashes);
          out.hashes = grown;
        }
        out.hashes[count++] = h >>> 0;
      }
      h = FNV_OFFSET;
      start = -1;
    }
  }
  return count;
}

/** The lower-cased tokens of `text` as strings, stopwords dropped unless kept (for fitted vocabularies). */
export function wordTokens(text: string, keepStopwords = false): string[] {
  const { word, lower } = tables();
  const out: string[] = [];
  let start = -1;
  const n = text.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 32;
    if (word[c] === 1) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      const token = lowered(text, start, i, lower);
      if (keepStopwords || !ENGLISH_STOPWORD_SET.has(token)) out.push(token);
      start = -1;
    }
  }
  return out;
}

/** Word n-grams of `text` for n = 1..ngramMax, the words of an n-gram joined by one space. */
export function wordNgrams(text: string, ngramMax: number, keepStopwords: boolean): string[] {
  const words = wordTokens(text, keepStopwords);
  const out = [...words];
  for (let n = 2; n <= ngramMax; n++) {
    for (let i = 0; i + n <= words.length; i++) out.push(words.slice(i, i + n).join(' '));
  }
  return out;
}
