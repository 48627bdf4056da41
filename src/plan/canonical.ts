/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no whitespace, `undefined` members
 * dropped, numbers in ECMAScript's shortest round-trip form. For the plain data dapt hashes
 * (ASCII keys, finite numbers) this is byte-identical to RFC 8785 (JCS).
 *
 * Written by hand rather than using `canonicalize`/`json-stable-stringify` for two reasons: it
 * must reject what would silently hash wrong (NaN, Infinity, undefined in arrays, class
 * instances), and it memoises the text of objects shared by many stages (one point's masking or
 * optimiser spec is reused by every stage of that point), which keeps planning linear.
 */
import { InternalError } from '../errors.ts';

export class Canonicalizer {
  /** Canonical text of objects already seen. Valid because plans are built from data nobody mutates. */
  private readonly memo = new WeakMap<object, string>();

  /** Canonical JSON text of `value`. */
  text(value: unknown): string {
    return this.encode(value, '$');
  }

  private encode(value: unknown, at: string): string {
    switch (typeof value) {
      case 'string':
        return JSON.stringify(value);
      case 'boolean':
        return value ? 'true' : 'false';
      case 'number':
        if (!Number.isFinite(value)) throw new InternalError(`cannot hash the non-finite number ${value} at ${at}`);
        return JSON.stringify(value);
      case 'object':
        if (value === null) return 'null';
        return this.encodeObject(value, at);
      default:
        throw new InternalError(`cannot hash a ${typeof value} at ${at}`);
    }
  }

  private encodeObject(value: object, at: string): string {
    const seen = this.memo.get(value);
    if (seen !== undefined) return seen;
    let out: string;
    if (Array.isArray(value)) {
      const parts: string[] = [];
      for (let i = 0; i < value.length; i++) {
        if (value[i] === undefined) throw new InternalError(`cannot hash undefined at ${at}[${i}]`);
        parts.push(this.encode(value[i], `${at}[${i}]`));
      }
      out = `[${parts.join(',')}]`;
    } else {
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new InternalError(`cannot hash a ${proto?.constructor?.name ?? 'non-plain'} object at ${at}`);
      }
      const record = value as Record<string, unknown>;
      const parts: string[] = [];
      for (const k of Object.keys(record).sort()) {
        const v = record[k];
        if (v === undefined) continue;
        parts.push(`${JSON.stringify(k)}:${this.encode(v, `${at}.${k}`)}`);
      }
      out = `{${parts.join(',')}}`;
    }
    this.memo.set(value, out);
    return out;
  }
}

/** Canonical JSON text of `value` (no memo shared with other calls). */
export function canonicalJson(value: unknown): string {
  return new Canonicalizer().text(value);
}
