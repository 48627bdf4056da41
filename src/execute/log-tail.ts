/** Reading stage logs from the outside: following new lines, and the last lines for a summary. */
import { open } from 'node:fs/promises';

/** Follows a growing file; `read()` returns the complete lines added since the last call. */
export class LogFollower {
  private offset = 0;
  private partial = '';

  constructor(
    readonly path: string,
    /** Start at the current end (skip earlier attempts' output). */
    fromEnd: number,
  ) {
    this.offset = fromEnd;
  }

  async read(): Promise<string[]> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch {
      return [];
    }
    try {
      const { size } = await handle.stat();
      if (size <= this.offset) return [];
      const buffer = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
      this.offset += bytesRead;
      const text = this.partial + buffer.subarray(0, bytesRead).toString('utf8');
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      return lines;
    } finally {
      await handle.close();
    }
  }
}

export async function fileSize(path: string): Promise<number> {
  try {
    const handle = await open(path, 'r');
    try {
      return (await handle.stat()).size;
    } finally {
      await handle.close();
    }
  } catch {
    return 0;
  }
}

/** The last `count` non-empty lines of a file (reads at most the last 64 KiB). */
export async function lastLines(path: string, count: number): Promise<string[]> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return [];
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8').split('\n').filter((l) => l.trim() !== '').slice(-count);
  } finally {
    await handle.close();
  }
}
