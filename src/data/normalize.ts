/** Text normal forms shared by de-duplication, the leakage check and selection. */

/** Case-folded, whitespace-collapsed form: two texts are "the same" iff these are equal. */
export function normaliseText(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

const wordRun = /[a-z0-9]+/g;

/**
 * Lower-cased `[a-z0-9]+` runs: the data pack's own overlap-guard tokens (entity markers such as
 * `<< >>` and `[[ ]]` vanish because they contain no letters or digits).
 */
export function guardTokens(text: string): string[] {
  return text.toLowerCase().match(wordRun) ?? [];
}

/** 53-bit hash of a string (two 32-bit lanes). */
export function textHash(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x27d4eb2f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x85ebca77) ^ (b >>> 15);
  }
  return (a >>> 0) * 2097152 + ((b >>> 0) >>> 11);
}

/**
 * `textHash(normaliseText(text))`, without building the normalised string when `text` is
 * ASCII (then case-folding is A–Z → a–z and `\s` is tab, LF, VT, FF, CR and space).
 */
export function normalisedTextHash(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x27d4eb2f;
  let started = false;
  let space = false;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 128) return textHash(normaliseText(text));
    if (c === 32 || (c >= 9 && c <= 13)) {
      space = started;
      continue;
    }
    if (space) {
      a = Math.imul(a ^ 32, 0x01000193);
      b = Math.imul(b ^ 32, 0x85ebca77) ^ (b >>> 15);
      space = false;
    }
    started = true;
    if (c >= 65 && c <= 90) c += 32;
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x85ebca77) ^ (b >>> 15);
  }
  return (a >>> 0) * 2097152 + ((b >>> 0) >>> 11);
}
