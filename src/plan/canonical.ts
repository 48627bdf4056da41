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

/** Thrown inside the encoder; collects the path on the way out. */
class Unhashable extends Error {
  readonly path: string[] = [];
  constructor(readonly what: string) {
    super(what);
  }
}

export class Canonicalizer {
  /** Canonical text of objects marked shared. A plain Map: it lives for one planning call, and
   *  memoising every object (or using a WeakMap) costs more in allocation and GC than it saves. */
  private readonly memo = new Map<object, string | null>();

  /** Marks `value` as reused by many stages: its text is computed once. Returns `value`. */
  share<T extends object>(value: T): T {
    if (!this.memo.has(value)) this.memo.set(value, null);
    return value;
  }

  /** Canonical JSON text of `value`. */
  text(value: unknown): string {
    try {
      return this.encode(value);
    } catch (e) {
      if (e instanceof Unhashable) throw new InternalError(`cannot hash ${e.what} at $${e.path.join('')}`);
      throw e;
    }
  }

  private encode(value: unknown): string {
    switch (typeof value) {
      case 'string':
        return JSON.stringify(value);
      case 'boolean':
        return value ? 'true' : 'false';
      case 'number':
        if (!Number.isFinite(value)) throw new Unhashable(`the non-finite number ${value}`);
        return JSON.stringify(value);
      case 'object': {
        if (value === null) return 'null';
        const seen = this.memo.get(value);
        if (seen !== undefined && seen !== null) return seen;
        const out = Array.isArray(value) ? this.encodeArray(value) : this.encodeRecord(value);
        if (seen === null) this.memo.set(value, out);
        return out;
      }
      default:
        throw new Unhashable(`a ${typeof value}`);
    }
  }

  private encodeArray(value: unknown[]): string {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      try {
        if (value[i] === undefined) throw new Unhashable('undefined');
        out += (i > 0 ? ',' : '') + this.encode(value[i]);
      } catch (e) {
        if (e instanceof Unhashable) e.path.unshift(`[${i}]`);
        throw e;
      }
    }
    return out + ']';
  }

  private encodeRecord(value: object): string {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new Unhashable(`a ${proto?.constructor?.name ?? 'non-plain'} object`);
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    let out = '{';
    let first = true;
    for (const k of keys) {
      const v = record[k];
      if (v === undefined) continue;
      try {
        out += `${first ? '' : ','}${JSON.stringify(k)}:${this.encode(v)}`;
      } catch (e) {
        if (e instanceof Unhashable) e.path.unshift(`.${k}`);
        throw e;
      }
      first = false;
    }
    return out + '}';
  }
}

/** Canonical JSON text of `value` (no memo shared with other calls). */
export function canonicalJson(value: unknown): string {
  return new Canonicalizer().text(value);
}
