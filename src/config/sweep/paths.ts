/** Sweep paths: checking a dotted path against the schema and the document, and setting it. */
import { deref, experimentSchemaJson, type SchemaNode } from '../schema.ts';
import { didYouMean } from '../suggest.ts';
import { EXCLUSIVE_SIBLINGS, SWEEPABLE_ROOTS } from '../vocabulary.ts';
import { isRecord } from '../view.ts';

export type PathCheck = { ok: true } | { ok: false; code: string; message: string; expected?: string; suggestion?: string };

function typesOf(s: SchemaNode): string[] {
  return Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === 'string' ? [s.type] : [];
}

function valueType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'number' ? 'number' : typeof v;
}

/** The branch of a union that the document's value (or, when absent, a mapping) takes. */
function branchFor(node: SchemaNode, cur: unknown): SchemaNode {
  const s = deref(node);
  const branches = ((s.oneOf ?? s.anyOf) as SchemaNode[] | undefined)?.map((b) => deref(b));
  if (!branches) return s;
  const want = cur === undefined ? 'object' : valueType(cur);
  return branches.find((b) => typesOf(b).some((t) => t === want || (t === 'integer' && want === 'number'))) ?? branches[0] ?? s;
}

export function checkSweepPath(dotted: string, doc: unknown): PathCheck {
  const schema = experimentSchemaJson;
  const segs = dotted.split('.');
  const root = segs[0]!;
  const top = Object.keys((schema.properties ?? {}) as object);
  if (!(SWEEPABLE_ROOTS as readonly string[]).includes(root)) {
    if (top.includes(root)) return { ok: false, code: 'sweep-not-sweepable', message: `"${root}" belongs to the whole experiment, not to a sweep point, so it cannot be swept`, expected: `a path under ${SWEEPABLE_ROOTS.join(', ')}` };
    const s = didYouMean(root, SWEEPABLE_ROOTS);
    return { ok: false, code: 'sweep-unknown-path', message: `sweep path "${dotted}": there is no top-level key "${root}"`, expected: `a path under ${SWEEPABLE_ROOTS.join(', ')}`, ...(s ? { suggestion: dotted.replace(root, s) } : {}) };
  }
  let node: SchemaNode = schema;
  let cur: unknown = doc;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const here = segs.slice(0, i).join('.') || '(top level)';
    node = branchFor(node, cur);
    const types = typesOf(node);
    if (types.includes('object')) {
      const props = (node.properties ?? {}) as Record<string, SchemaNode>;
      const map = node.additionalProperties;
      if (Object.hasOwn(props, seg)) node = props[seg]!;
      else if (isRecord(map)) {
        if (!isRecord(cur) || !Object.hasOwn(cur, seg)) {
          const names = isRecord(cur) ? Object.keys(cur) : [];
          const s = didYouMean(seg, names);
          return { ok: false, code: 'sweep-unknown-path', message: `sweep path "${dotted}": ${here} has no entry "${seg}"`, expected: names.length ? `one of ${names.join(', ')}` : 'a declared name', ...(s ? { suggestion: [...segs.slice(0, i), s, ...segs.slice(i + 1)].join('.') } : {}) };
        }
        node = map as SchemaNode;
      } else {
        const keys = Object.keys(props);
        const s = didYouMean(seg, keys);
        return { ok: false, code: 'sweep-unknown-path', message: `sweep path "${dotted}": ${here} has no key "${seg}"`, expected: `one of ${keys.join(', ')}`, ...(s ? { suggestion: [...segs.slice(0, i), s, ...segs.slice(i + 1)].join('.') } : {}) };
      }
      cur = isRecord(cur) ? cur[seg] : undefined;
    } else if (types.includes('array')) {
      const idx = /^\d+$/.test(seg) ? Number(seg) : -1;
      if (!Array.isArray(cur) || idx < 0 || idx >= cur.length) {
        return { ok: false, code: 'sweep-unknown-path', message: `sweep path "${dotted}": ${here} is a list; "${seg}" is not an index of an existing item`, expected: Array.isArray(cur) ? `an index 0..${cur.length - 1}` : 'an index of an existing item' };
      }
      node = (node.items ?? {}) as SchemaNode;
      cur = cur[idx];
    } else {
      return { ok: false, code: 'sweep-path-through-value', message: `sweep path "${dotted}": ${here} is a single value (${JSON.stringify(cur ?? null)}), so it has no "${seg}"; sweep ${here} itself, or write it as a mapping`, expected: `a path ending at ${here}` };
    }
  }
  return { ok: true };
}

/** Sets a dotted path in a (cloned) document, creating mappings on the way; exclusive siblings are replaced. */
export function setPath(doc: Record<string, unknown>, dotted: string, value: unknown): void {
  const segs = dotted.split('.');
  let cur: unknown = doc;
  for (let i = 0; i < segs.length - 1; i++) {
    const seg = segs[i]!;
    if (Array.isArray(cur)) {
      cur = cur[Number(seg)];
      continue;
    }
    const obj = cur as Record<string, unknown>;
    if (!isRecord(obj[seg]) && !Array.isArray(obj[seg])) obj[seg] = {};
    cur = obj[seg];
  }
  const last = segs[segs.length - 1]!;
  if (Array.isArray(cur)) {
    cur[Number(last)] = structuredClone(value);
    return;
  }
  const obj = cur as Record<string, unknown>;
  for (const group of EXCLUSIVE_SIBLINGS) if (group.includes(last)) for (const other of group) if (other !== last) delete obj[other];
  obj[last] = structuredClone(value);
}
