/** Document paths: how issues name a place in the file, and how JSON pointers map to them. */

export type DocPath = Array<string | number>;

/** `arms.dapt[0].dapt` — dotted keys, bracketed list indexes; `(document)` for the root. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  if (path.length === 0) return '(document)';
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    // Keys that are themselves dotted (sweep paths) are quoted so the path stays unambiguous.
    else if (!/^[A-Za-z0-9_-]+$/.test(seg)) out += `[${JSON.stringify(seg)}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

/** A JSON pointer (`/arms/dapt/0`) to a path; segments that index a list in `data` become numbers. */
export function pointerToPath(pointer: string, data: unknown): DocPath {
  if (pointer === '') return [];
  const out: DocPath = [];
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur) && /^\d+$/.test(seg)) {
      const i = Number(seg);
      out.push(i);
      cur = cur[i];
    } else {
      out.push(seg);
      cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

/** True when `prefix` is a prefix of (or equal to) `path`. */
export function startsWith(path: ReadonlyArray<string | number>, prefix: ReadonlyArray<string | number>): boolean {
  if (prefix.length > path.length) return false;
  return prefix.every((seg, i) => String(seg) === String(path[i]));
}

export function samePath(a: ReadonlyArray<string | number>, b: ReadonlyArray<string | number>): boolean {
  return a.length === b.length && startsWith(a, b);
}
