/**
 * ajv errors -> readable issues. ajv with `allErrors` reports every failed branch of a `oneOf`;
 * users need one message per place: the branch whose type matches their value is the one they
 * meant, so only its errors are kept, and when no branch matches, one "expected A or B" is given.
 */
import type { ErrorObject } from 'ajv';
import { deref, resolvePointer, type SchemaNode } from './schema.ts';
import { describeValue, type RawIssue } from './issues.ts';
import { formatPath, pointerToPath, type DocPath } from './paths.ts';
import { didYouMean } from './suggest.ts';
import { at } from './view.ts';

const UNIONS = new Set(['oneOf', 'anyOf']);

function typeOfValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(schema: SchemaNode, v: unknown): boolean {
  const t = typeOfValue(v);
  const declared = schema.type;
  if (declared === undefined) return true;
  const types = Array.isArray(declared) ? (declared as string[]) : [declared as string];
  return types.includes(t) || (t === 'integer' && types.includes('number'));
}

const typeWords: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  null: 'nothing (null)',
  array: 'a list',
  object: 'a mapping',
};

export function describeSchema(schema: SchemaNode): string {
  if (Array.isArray(schema.enum)) return `one of ${(schema.enum as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === 'string' ? [schema.type] : [];
  if (types.includes('object') && typeof schema.properties === 'object' && schema.properties !== null) {
    const keys = Object.keys(schema.properties);
    const oneKey = schema.maxProperties === 1;
    const shown = keys.length > 6 ? `${keys.slice(0, 6).join(', ')}, ...` : keys.join(', ');
    return oneKey ? `a mapping with one of: ${shown}` : `a mapping (${shown})`;
  }
  if (types.length > 0) return types.map((t) => typeWords[t] ?? t).join(' or ');
  return 'a valid value';
}

function where(path: DocPath): string {
  return path.length === 0 ? 'at the top level' : `in ${formatPath(path)}`;
}

/** The schema node holding the failed keyword (ajv's `verbose` gives it; refs already followed). */
function parentSchema(e: ErrorObject): SchemaNode {
  return (e.parentSchema ?? {}) as SchemaNode;
}

/** The objects a union branch is made of: itself and, for a `$ref`, each node the reference leads to. */
function branchRoots(branch: SchemaNode, schema: SchemaNode): Set<unknown> {
  const roots = new Set<unknown>([branch]);
  let cur: unknown = branch;
  for (let i = 0; i < 20 && typeof (cur as SchemaNode).$ref === 'string'; i++) {
    cur = resolvePointer(schema, (cur as SchemaNode).$ref as string);
    roots.add(cur);
  }
  return roots;
}

/**
 * Decides which ajv errors to keep: the matching branch of every union, or one summary issue.
 * A branch whose type does not match the value fails only at the union's own place, so its
 * errors are recognised by their schema node (ajv `verbose`), whatever `$ref`s lie between.
 */
function collapseUnions(errors: ErrorObject[], data: unknown, schema: SchemaNode): { kept: ErrorObject[]; summaries: RawIssue[] } {
  const dropped = new Set<ErrorObject>();
  const summaries: RawIssue[] = [];
  const depth = (e: ErrorObject) => (e.instancePath === '' ? 0 : e.instancePath.split('/').length);
  const unions = errors.filter((e) => UNIONS.has(e.keyword)).sort((a, b) => depth(a) - depth(b));
  for (const u of unions) {
    if (dropped.has(u)) continue;
    dropped.add(u);
    const raw = (Array.isArray(u.schema) ? u.schema : []) as SchemaNode[];
    const branches = raw.map((b) => ({ roots: branchRoots(b, schema), schema: deref(b, schema) }));
    const byBranch = new Map<number, ErrorObject[]>();
    for (const e of errors) {
      if (e === u || e.instancePath !== u.instancePath) continue;
      const idx = branches.findIndex((b) => b.roots.has(e.parentSchema));
      if (idx >= 0) byBranch.set(idx, [...(byBranch.get(idx) ?? []), e]);
    }
    const path = pointerToPath(u.instancePath, data);
    const value = at(data, path);
    const compatible = branches.map((b, i) => ({ b, i })).filter(({ b }) => typeMatches(b.schema, value));
    if (compatible.length > 0) {
      const chosen = compatible.reduce((best, c) => ((byBranch.get(c.i)?.length ?? 0) < (byBranch.get(best.i)?.length ?? 0) ? c : best));
      for (const [i, errs] of byBranch) if (i !== chosen.i) errs.forEach((e) => dropped.add(e));
      if (Array.isArray((u.params as { passingSchemas?: unknown }).passingSchemas)) {
        summaries.push({ code: 'ambiguous-value', path, message: `${formatPath(path)} matches more than one form; write it in full`, found: describeValue(value) });
      }
    } else {
      for (const errs of byBranch.values()) errs.forEach((e) => dropped.add(e));
      const expected = branches.map((b) => describeSchema(b.schema)).join(', or ');
      summaries.push({ code: 'wrong-type', path, message: `${formatPath(path)} must be ${expected}`, expected, found: describeValue(value) });
    }
  }
  return { kept: errors.filter((e) => !dropped.has(e)), summaries };
}

function translate(e: ErrorObject, data: unknown, schema: SchemaNode, namesChecked: Set<string>): RawIssue | null {
  const path = pointerToPath(e.instancePath, data);
  const value = at(data, path);
  const p = e.params as Record<string, unknown>;
  const name = formatPath(path);
  const propertyName = (e as { propertyName?: string }).propertyName;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const known = Object.keys((parentSchema(e).properties as object | undefined) ?? {});
      const issue: RawIssue = { code: 'unknown-key', path: [...path, key], at: 'key', message: `unknown key "${key}" ${where(path)}`, expected: `one of: ${known.join(', ')}`, found: key };
      const s = didYouMean(key, known);
      if (s !== undefined) issue.suggestion = s;
      return issue;
    }
    case 'required': {
      const key = String(p.missingProperty);
      return { code: 'missing-key', path, at: 'key', message: `missing required key "${key}" ${where(path)}`, expected: `a "${key}:" entry` };
    }
    case 'type': {
      const t = Array.isArray(p.type) ? (p.type as string[]) : [String(p.type)];
      const expected = t.map((x) => typeWords[x] ?? x).join(' or ');
      return { code: 'wrong-type', path, message: `${name} must be ${expected}`, expected, found: describeValue(value) };
    }
    case 'enum':
    case 'const': {
      const allowed = (e.keyword === 'enum' ? (p.allowedValues as unknown[]) : [p.allowedValue]).map(String);
      const issue: RawIssue = { code: 'invalid-value', path, message: `${name} must be one of ${allowed.join(', ')}`, expected: `one of ${allowed.join(', ')}`, found: describeValue(value) };
      if (typeof value === 'string') {
        const s = didYouMean(value, allowed);
        if (s !== undefined) issue.suggestion = s;
      }
      return issue;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const expected = `${String(p.comparison)} ${String(p.limit)}`;
      return { code: 'out-of-range', path, message: `${name} must be ${expected}`, expected, found: describeValue(value) };
    }
    case 'minItems':
    case 'maxItems': {
      const expected = `${e.keyword === 'minItems' ? 'at least' : 'at most'} ${String(p.limit)} item${p.limit === 1 ? '' : 's'}`;
      return { code: 'wrong-length', path, message: `${name} must have ${expected}`, expected, found: describeValue(value) };
    }
    case 'uniqueItems':
      return { code: 'duplicate-item', path: [...path, Number(p.i)], message: `${name} lists the same value twice (items ${String(p.j)} and ${String(p.i)})`, found: describeValue(at(value, [Number(p.i)])) };
    case 'minProperties':
    case 'maxProperties': {
      const own = parentSchema(e);
      const keys = Object.keys((own.properties as object | undefined) ?? {});
      if (own.maxProperties === 1 && keys.length > 0) {
        const expected = `exactly one of: ${keys.join(', ')}`;
        const present = Object.keys(typeof value === 'object' && value !== null ? value : {});
        return { code: 'wrong-shape', path, message: `${name} must have exactly one of ${keys.join(', ')}`, expected, found: present.length === 0 ? 'an empty mapping' : `${present.length} keys: ${present.join(', ')}` };
      }
      return { code: 'wrong-length', path, message: `${name}: ${e.message ?? 'wrong number of entries'}`, found: describeValue(value) };
    }
    case 'pattern': {
      if (namesChecked.has(e.instancePath)) return null; // reported by its propertyNames error
      const desc = parentSchema(e).description;
      if (propertyName !== undefined) {
        return { code: 'invalid-name', path: [...path, propertyName], at: 'key', message: `"${propertyName}" is not a valid name ${where(path)}`, expected: typeof desc === 'string' ? desc : `a match for ${String(p.pattern)}`, found: propertyName };
      }
      return { code: 'bad-format', path, message: `${name} is not in the expected format`, expected: typeof desc === 'string' ? desc : `a match for ${String(p.pattern)}`, found: describeValue(value) };
    }
    case 'not':
      if (namesChecked.has(e.instancePath)) return null;
      if (propertyName !== undefined) {
        return { code: 'reserved-name', path: [...path, propertyName], at: 'key', message: `"${propertyName}" is a reserved word and cannot be used as a name ${where(path)}`, found: propertyName };
      }
      return { code: 'invalid-value', path, message: `${name} is not allowed here`, found: describeValue(value) };
    case 'minLength':
      return { code: 'bad-format', path, message: `${name} must not be empty`, expected: 'a non-empty string', found: describeValue(value) };
    case 'propertyNames': {
      const key = String(p.propertyName);
      const rule = deref(e.schema, schema);
      const parts = [rule, ...((rule.allOf as SchemaNode[] | undefined) ?? []).map((x) => deref(x, schema))];
      const reserved = parts.some((x) => ((deref(x.not, schema).enum as unknown[] | undefined) ?? []).includes(key));
      if (reserved) return { code: 'reserved-name', path: [...path, key], at: 'key', message: `"${key}" is a reserved word and cannot be used as a name ${where(path)}`, found: key };
      const desc = parts.map((x) => x.description).find((d): d is string => typeof d === 'string');
      return { code: 'invalid-name', path: [...path, key], at: 'key', message: `"${key}" is not a valid name ${where(path)}`, expected: desc ?? 'a valid name', found: key };
    }
    case 'allOf':
      return null; // the nested error says what is wrong
    default:
      return { code: 'schema', path, message: `${name}: ${e.message ?? e.keyword}` };
  }
}

/** Readable issues for an ajv run over `data`; one per code and place. */
export function schemaIssues(errors: ErrorObject[] | null | undefined, data: unknown, schema: SchemaNode): RawIssue[] {
  if (!errors || errors.length === 0) return [];
  const { kept, summaries } = collapseUnions(errors, data, schema);
  const out: RawIssue[] = [...summaries];
  const namesChecked = new Set(kept.filter((e) => e.keyword === 'propertyNames').map((e) => e.instancePath));
  for (const e of kept) {
    if (UNIONS.has(e.keyword)) continue;
    const issue = translate(e, data, schema, namesChecked);
    if (issue) out.push(issue);
  }
  // A value of the wrong type also fails its enum/pattern/length checks: the type is the news.
  const wrongType = new Set(out.filter((i) => i.code === 'wrong-type').map((i) => formatPath(i.path)));
  const seen = new Set<string>();
  return out.filter((i) => {
    if (i.code !== 'wrong-type' && i.at !== 'key' && wrongType.has(formatPath(i.path))) return false;
    const k = `${i.code} ${formatPath(i.path)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
