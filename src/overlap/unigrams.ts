/**
 * Unigram counts of a corpus for the vocabulary overlap: lower-cased letter/digit runs with at
 * least one letter (numbers are not vocabulary), English stopwords (NLTK) excluded. Counts are
 * cached per file content, so re-running `dapt overlap` re-reads nothing that has not changed.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { digestFiles, digestString } from '../data/content-digest.ts';
import { readDocuments } from '../data/corpus.ts';
import { wordTokens } from '../select/word-tokens.ts';

/** Bump when tokenisation changes, so stale caches are not reused. */
const COUNT_VERSION = 1;
const numberOnly = /^\p{N}+$/u;

export interface UnigramCounts {
  /** Sorted by count descending, then word ascending. */
  entries: Array<[string, number]>;
  tokens: number;
}

export function countUnigrams(texts: Iterable<string>, into = new Map<string, number>()): Map<string, number> {
  for (const text of texts) {
    for (const word of wordTokens(text)) {
      if (numberOnly.test(word)) continue;
      into.set(word, (into.get(word) ?? 0) + 1);
    }
  }
  return into;
}

/** Frequency order; ties broken by the word itself so the top-N cut is deterministic. */
export function sortCounts(counts: Map<string, number>): Array<[string, number]> {
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

export async function corpusUnigrams(files: readonly string[], cacheDir: string | null): Promise<UnigramCounts> {
  const file = cacheDir ? join(cacheDir, `${digestString(JSON.stringify([COUNT_VERSION, await digestFiles(files)]))}.json`) : null;
  if (file) {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as UnigramCounts;
    } catch {
      // Missing or unreadable: count again.
    }
  }
  const counts = new Map<string, number>();
  for await (const doc of readDocuments(files)) countUnigrams([doc], counts);
  const entries = sortCounts(counts);
  const result: UnigramCounts = { entries, tokens: entries.reduce((a, e) => a + e[1], 0) };
  if (file && cacheDir) {
    await mkdir(cacheDir, { recursive: true });
    await writeFileAtomic(file, JSON.stringify(result));
  }
  return result;
}
