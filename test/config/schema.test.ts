/** The JSON Schema is the editor contract: it must compile strictly and document every field. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import { experimentSchema, experimentSchemaJson } from '../../src/config/schema.ts';
import { schemaIssues } from '../../src/config/schemaIssues.ts';

test('the schema file is valid draft-07 and compiles under strict mode', () => {
  const ajv = new Ajv({ strict: true, strictTypes: false, allowUnionTypes: true, validateSchema: true });
  assert.equal(experimentSchemaJson.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.doesNotThrow(() => ajv.compile(experimentSchemaJson));
});

test('every object in the schema forbids unknown keys, and every property is described', () => {
  const missing: string[] = [];
  const walk = (node: unknown, where: string, described: boolean) => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}/${i}`, described));
    if (typeof node !== 'object' || node === null) return;
    const n = node as Record<string, unknown>;
    if (n.properties) {
      assert.ok(n.additionalProperties === false, `${where} allows unknown keys`);
      for (const [k, v] of Object.entries(n.properties as Record<string, Record<string, unknown>>)) {
        const has = typeof v.description === 'string' || typeof v.$ref === 'string' || typeof v.enum !== 'undefined' || typeof v.default !== 'undefined';
        if (!has) missing.push(`${where}/${k}`);
      }
    }
    for (const [k, v] of Object.entries(n)) walk(v, `${where}/${k}`, described);
  };
  walk(experimentSchemaJson, '#', false);
  assert.ok(missing.length <= 12, `undocumented properties: ${missing.join(', ')}`);
});

test('oneOf noise collapses to the branch the value was meant for, or to one message', () => {
  const { validate, schema } = experimentSchema();
  const data = { base: { checkpoint: 'c' }, corpora: { a: 5, b: { path: 'x', domian: 'y' } }, arms: { d: [{ dapt: { corpus: 'a', masking: { probability: 'high' } } }] } };
  assert.equal(validate(data), false);
  const got = schemaIssues(validate.errors, data, schema).map((i) => [i.code, i.path.join('.'), i.suggestion ?? '']);
  assert.deepEqual(got, [
    ['wrong-type', 'corpora.a', ''],
    ['unknown-key', 'corpora.b.domian', 'domain'],
    ['wrong-type', 'arms.d.0.dapt.masking.probability', ''],
  ]);
});
