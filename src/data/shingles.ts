/**
 * Hashed n-token shingles over guard tokens (lower-cased `[a-z0-9]+`), as the data pack's
 * overlap guard defines them. Hashed by hand because no installed library rolls n-gram hashes:
 * tokens are found by a char scan of the lower-cased text (no token strings are built), each
 * gets two independent 32-bit hashes, and two polynomial rolling hashes over them give each
 * shingle a 64-bit key (two 32-bit lanes; see shingle-table.ts). The leakage check verifies
 * every hit against the text, so a collision can never report a leak.
 */

const B1 = 0x01000193;
const B2 = 0x5bd1e995;

/** The guard tokens of a text: positions in `lower` and two hash lanes each. */
export interface TokenLanes {
  lower: string;
  count: number;
  starts: Int32Array;
  ends: Int32Array;
  a: Uint32Array;
  b: Uint32Array;
}

function grow<T extends Int32Array | Uint32Array>(array: T, size: number): T {
  if (array.length >= size) return array;
  const next = new (array.constructor as new (n: number) => T)(Math.max(size, array.length * 2));
  next.set(array);
  return next;
}

/** Scans `text` for guard tokens; `reuse` lends its buffers (the result may share them). */
export function tokenLanes(text: string, reuse?: TokenLanes): TokenLanes {
  const lower = text.toLowerCase();
  let starts = reuse?.starts ?? new Int32Array(256);
  let ends = reuse?.ends ?? new Int32Array(256);
  let a = reuse?.a ?? new Uint32Array(256);
  let b = reuse?.b ?? new Uint32Array(256);
  let count = 0;
  let start = -1;
  let ha = 0x811c9dc5;
  let hb = 0x9747b28c;
  const n = lower.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? lower.charCodeAt(i) : 32;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      if (start < 0) start = i;
      ha = Math.imul(ha ^ c, 0x01000193);
      hb = Math.imul(hb + c, 0xcc9e2d51);
      hb ^= hb >>> 15;
    } else if (start >= 0) {
      if (count === a.length) {
        starts = grow(starts, count + 1);
        ends = grow(ends, count + 1);
        a = grow(a, count + 1);
        b = grow(b, count + 1);
      }
      starts[count] = start;
      ends[count] = i;
      a[count] = ha >>> 0;
      b[count] = (Math.imul(hb ^ (hb >>> 13), 0x85ebca6b) ^ (i - start)) >>> 0;
      count++;
      start = -1;
      ha = 0x811c9dc5;
      hb = 0x9747b28c;
    }
  }
  return { lower, count, starts, ends, a, b };
}

/** The tokens `start … start+n-1` joined by single spaces. */
export function shingleText(t: TokenLanes, start: number, n: number): string {
  const parts: string[] = [];
  for (let i = start; i < start + n; i++) parts.push(t.lower.slice(t.starts[i], t.ends[i]));
  return parts.join(' ');
}

function power(base: number, exp: number): number {
  let r = 1;
  for (let i = 0; i < exp; i++) r = Math.imul(r, base);
  return r >>> 0;
}

/**
 * Calls `visit(h1, h2, start)` (two unsigned 32-bit lanes) for every window of `n` consecutive
 * tokens, start = index of its first token. Texts shorter than `n` tokens have no shingles.
 */
export function forEachShingle(t: TokenLanes, n: number, visit: (h1: number, h2: number, start: number) => void): void {
  const { count, a, b } = t;
  if (count < n || n < 1) return;
  const p1 = power(B1, n - 1);
  const p2 = power(B2, n - 1);
  let h1 = 0;
  let h2 = 0;
  for (let i = 0; i < n; i++) {
    h1 = (Math.imul(h1, B1) + a[i]!) | 0;
    h2 = (Math.imul(h2, B2) + b[i]!) | 0;
  }
  for (let start = 0; ; start++) {
    visit(h1 >>> 0, h2 >>> 0, start);
    const next = start + n;
    if (next >= count) break;
    h1 = (Math.imul(h1 - Math.imul(a[start]!, p1), B1) + a[next]!) | 0;
    h2 = (Math.imul(h2 - Math.imul(b[start]!, p2), B2) + b[next]!) | 0;
  }
}
