/**
 * Seeded random numbers for random search. Hand-written (mulberry32, 10 lines) so a seed gives the
 * same points on every machine and Node version; no library promises that.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A draw from one `space:` entry; floats keep 6 significant digits so points print and hash stably. */
export function sample(space: Record<string, unknown>, next: () => number): unknown {
  const [kind, arg] = Object.entries(space)[0] ?? [];
  const range = Array.isArray(arg) ? (arg as number[]) : [];
  const lo = range[0] ?? 0;
  const hi = range[1] ?? 0;
  const r = next();
  switch (kind) {
    case 'uniform':
      return Number((lo + r * (hi - lo)).toPrecision(6));
    case 'log_uniform':
      return Number(Math.exp(Math.log(lo) + r * (Math.log(hi) - Math.log(lo))).toPrecision(6));
    case 'int_uniform':
      return lo + Math.floor(r * (hi - lo + 1));
    case 'choice':
      return structuredClone((arg as unknown[])[Math.floor(r * (arg as unknown[]).length)]);
    default:
      return undefined;
  }
}
