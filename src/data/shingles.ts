/**
 * Hashed n-token shingles over guard tokens (lower-cased `[a-z0-9]+`), as the data pack's
 * overlap guard defines them. Hashed by hand because no installed library rolls n-gram hashes:
 * two independent 32-bit polynomial rolling hashes, combined into one 53-bit integer so a shingle
 * is a plain number in a Set (the leakage check verifies every hit against the text anyway).
 */

const B1 = 0x01000193;
const B2 = 0x5bd1e995;

/** Two 32-bit hashes of a token (FNV-1a and a multiplicative string hash). */
function tokenLanes(token: string, out: Uint32Array, i: number, out2: Uint32Array): void {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let k = 0; k < token.length; k++) {
    const c = token.charCodeAt(k);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b + c, 0xcc9e2d51);
    b ^= b >>> 15;
  }
  out[i] = a >>> 0;
  out2[i] = (Math.imul(b ^ (b >>> 13), 0x85ebca6b) ^ token.length) >>> 0;
}

function power(base: number, exp: number): number {
  let r = 1;
  for (let i = 0; i < exp; i++) r = Math.imul(r, base);
  return r >>> 0;
}

/**
 * Calls `visit(key, start)` for every window of `n` consecutive tokens (start = index of its first
 * token). Texts shorter than `n` tokens have no shingles.
 */
export function forEachShingle(tokens: readonly string[], n: number, visit: (key: number, start: number) => void): void {
  const count = tokens.length;
  if (count < n) return;
  const a = new Uint32Array(count);
  const b = new Uint32Array(count);
  for (let i = 0; i < count; i++) tokenLanes(tokens[i]!, a, i, b);
  const p1 = power(B1, n - 1);
  const p2 = power(B2, n - 1);
  let h1 = 0;
  let h2 = 0;
  for (let i = 0; i < n; i++) {
    h1 = (Math.imul(h1, B1) + a[i]!) | 0;
    h2 = (Math.imul(h2, B2) + b[i]!) | 0;
  }
  for (let start = 0; ; start++) {
    visit((h1 >>> 0) * 2097152 + ((h2 >>> 0) >>> 11), start);
    const next = start + n;
    if (next >= count) break;
    h1 = (Math.imul(h1 - Math.imul(a[start]!, p1), B1) + a[next]!) | 0;
    h2 = (Math.imul(h2 - Math.imul(b[start]!, p2), B2) + b[next]!) | 0;
  }
}
