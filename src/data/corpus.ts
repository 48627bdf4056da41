/**
 * Corpora: `<path>.txt` or `<path>.part-NNN.txt` (read in name order), one document per line.
 * Reading streams line by line so a corpus never has to fit in memory as one string.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { DataError, FileNotFoundError } from '../errors.ts';
import type { InputLocation } from '../plan/types.ts';

const partPattern = /^\.part-(\d+)\.txt$/;

/**
 * Files of the corpus at `base` (absolute, without extension): `base.txt`, or else every
 * `base.part-NNN.txt` in name order. Throws when neither exists or both do.
 */
export async function resolveCorpusFiles(base: string): Promise<string[]> {
  const dir = dirname(base);
  const name = basename(base);
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    throw new FileNotFoundError(`${base}.txt or ${base}.part-NNN.txt (directory ${dir} is missing)`, 'corpus');
  }
  const single = entries.includes(`${name}.txt`);
  const parts = entries.filter((f) => f.startsWith(name) && partPattern.test(f.slice(name.length))).sort();
  if (single && parts.length > 0) {
    throw new DataError(`corpus ${base} is ambiguous: both ${name}.txt and ${parts.length} ${name}.part-NNN.txt files exist; keep one form`);
  }
  if (single) return [join(dir, `${name}.txt`)];
  if (parts.length === 0) throw new FileNotFoundError(`${base}.txt or ${base}.part-NNN.txt`, 'corpus');
  return parts.map((f) => join(dir, f));
}

/** Names of the corpora in `dir` (`<name>.txt` or `<name>.part-NNN.txt`), sorted. */
export async function listCorpora(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    throw new FileNotFoundError(dir, 'corpora directory');
  }
  const names = new Set<string>();
  for (const f of entries) {
    const m = /^(.+?)(\.part-\d+)?\.txt$/.exec(f);
    if (m) names.add(m[1]!);
  }
  return [...names].sort();
}

/** The files of a corpus input. */
export function corpusFilesOf(location: InputLocation): string[] {
  if (location.kind !== 'corpus') throw new DataError(`expected a corpus input, got a ${location.kind} input`);
  return location.files;
}

/**
 * Streams the documents of `files` in order: one per line (`\n` or `\r\n`), blank lines skipped
 * (so document ids, 0-based over non-blank lines, match the data pack's "every line is a
 * document"). Splits 1 MiB chunks by hand: readline's per-line events cost more than the rest
 * of a tf-idf pass over a large pool.
 */
export async function* readDocuments(files: readonly string[]): AsyncGenerator<string> {
  for (const file of files) {
    const stream = createReadStream(file, { highWaterMark: 1 << 20 });
    const decoder = new StringDecoder('utf8');
    let carry = '';
    try {
      for await (const chunk of stream) {
        const text = carry + decoder.write(chunk as Buffer);
        let start = 0;
        for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
          const line = text.charCodeAt(nl - 1) === 13 && nl > start ? text.slice(start, nl - 1) : text.slice(start, nl);
          start = nl + 1;
          if (line.trim() !== '') yield line;
        }
        carry = text.slice(start);
      }
      const last = carry + decoder.end();
      const line = last.endsWith('\r') ? last.slice(0, -1) : last;
      if (line.trim() !== '') yield line;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new FileNotFoundError(file, 'corpus file');
      throw e;
    } finally {
      stream.destroy();
    }
  }
}

/** Total size in bytes of `files` (for progress and reports). */
export async function totalBytes(files: readonly string[]): Promise<number> {
  const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
  return sizes.reduce((a, b) => a + b, 0);
}
