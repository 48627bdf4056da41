/** Streams lines to `<file>.tmp-<pid>` and renames it into place, so a crash never leaves half a file. */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';

export async function writeLinesAtomic(file: string, lines: Iterable<string> | AsyncIterable<string>): Promise<number> {
  const tmp = `${file}.tmp-${process.pid}`;
  const out = createWriteStream(tmp, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let count = 0;
  try {
    for await (const line of lines) {
      count++;
      if (!out.write(line + '\n')) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    await rename(tmp, file);
  } catch (e) {
    out.destroy();
    await rm(tmp, { force: true });
    throw e;
  }
  return count;
}
