/**
 * The JSON Schema (schemas/experiment.schema.json, the editor contract) compiled with ajv.
 * `$ref`s are inlined before compiling so that every ajv error's schemaPath is rooted in one tree:
 * the translator needs that to group the errors of a `oneOf`'s branches (ajv reports errors inside
 * a referenced definition with the definition's own path).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import schemaJson from '../../schemas/experiment.schema.json' with { type: 'json' };
import { InternalError } from '../errors.ts';

export type SchemaNode = Record<string, unknown>;

function inlineRefs(node: unknown, root: SchemaNode, depth = 0): unknown {
  if (depth > 50) throw new InternalError('experiment schema: $ref nesting too deep (recursive definition?)');
  if (Array.isArray(node)) return node.map((n) => inlineRefs(n, root, depth));
  if (typeof node !== 'object' || node === null) return node;
  const obj = node as SchemaNode;
  if (typeof obj.$ref === 'string') {
    const target = resolvePointer(root, obj.$ref);
    const { $ref: _ref, ...siblings } = obj;
    return { ...(inlineRefs(target, root, depth + 1) as SchemaNode), ...(inlineRefs(siblings, root, depth) as SchemaNode) };
  }
  const out: SchemaNode = {};
  for (const [k, v] of Object.entries(obj)) if (k !== 'definitions') out[k] = inlineRefs(v, root, depth);
  return out;
}

/** Resolves `#/a/b` within a schema. */
export function resolvePointer(root: unknown, pointer: string): unknown {
  let cur: unknown = root;
  for (const raw of pointer.replace(/^#\/?/, '').split('/')) {
    if (raw === '') continue;
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    cur = typeof cur === 'object' && cur !== null ? (cur as SchemaNode)[seg] : undefined;
  }
  return cur;
}

let compiled: { validate: ValidateFunction; schema: SchemaNode } | null = null;

/** The inlined schema and its compiled validator (compiled once per process). */
export function experimentSchema(): { validate: ValidateFunction; schema: SchemaNode } {
  if (compiled) return compiled;
  const raw = schemaJson as SchemaNode;
  const { $schema: _draft, ...rest } = raw;
  const schema = inlineRefs(rest, raw) as SchemaNode;
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true });
  compiled = { validate: ajv.compile(schema), schema };
  return compiled;
}

/** The raw schema file, as editors see it. */
export const experimentSchemaJson: SchemaNode = schemaJson as SchemaNode;
