/**
 * The JSON Schema (schemas/experiment.schema.json, the editor contract) as a validator, once per
 * process: the one the build precompiled (schema-standalone.ts) when it was made from this very
 * schema, else compiled with ajv here. `deref` lets the error translator and the sweep-path
 * checker follow `$ref`s.
 */
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import schemaJson from '../../schemas/experiment.schema.json' with { type: 'json' };
import { loadPrecompiled, schemaHash } from './schema-precompiled.ts';

export type SchemaNode = Record<string, unknown>;

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

/** A schema node with its `$ref` followed (sibling keywords such as `description` kept). */
export function deref(node: unknown, root: SchemaNode = experimentSchemaJson): SchemaNode {
  let cur = (node ?? {}) as SchemaNode;
  for (let i = 0; i < 20 && typeof cur.$ref === 'string'; i++) {
    const { $ref, ...siblings } = cur;
    cur = { ...((resolvePointer(root, $ref as string) ?? {}) as SchemaNode), ...siblings };
  }
  return cur;
}

/** The raw schema file, as editors see it. */
export const experimentSchemaJson: SchemaNode = schemaJson as SchemaNode;

// inlineRefs: false compiles each definition once (several times faster than inlining copies);
// verbose: errors carry the schema node they failed in, which the translator needs.
// optimize: false skips ajv's code-simplifying passes, which cost about half of the compile
// and buy nothing for a config validated once per process.
export const AJV_OPTIONS: Options = { allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true, inlineRefs: false, verbose: true, code: { optimize: false } };

/** A fresh ajv with the options every validator of the schema is made with. */
export function schemaAjv(extra: Options['code'] = {}): Ajv {
  return new Ajv({ ...AJV_OPTIONS, code: { ...AJV_OPTIONS.code, ...extra } });
}

let compiled: { validate: ValidateFunction; schema: SchemaNode } | null = null;

export function experimentSchema(): { validate: ValidateFunction; schema: SchemaNode } {
  if (compiled) return compiled;
  // Compiling costs ~0.2 s of CPU, a third of `dapt validate`: the build does it ahead of time.
  const validate = loadPrecompiled(schemaHash(experimentSchemaJson)) ?? schemaAjv().compile(experimentSchemaJson);
  compiled = { validate, schema: experimentSchemaJson };
  return compiled;
}
