/** A digest of file contents, for caches keyed by what the files hold rather than where they are. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** sha256 hex over each file's bytes, in order (names do not matter: moved data stays cached). */
export async function digestFiles(files: readonly string[]): Promise<string> {
  const outer = createHash('sha256');
  for (const file of files) {
    const inner = createHash('sha256');
    for await (const chunk of createReadStream(file)) inner.update(chunk as Buffer);
    outer.update(inner.digest('hex'));
    outer.update('\n');
  }
  return outer.digest('hex');
}

/** sha256 hex of a string (cache file names from composite keys). */
export function digestString(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
