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
