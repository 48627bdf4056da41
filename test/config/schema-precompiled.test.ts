/**
 * The validator the build precompiles (ajv standalone code) reports exactly what the compiled one
 * does, and is used only when it was made from the schema in use.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writePrecompiledValidator } from '../../src/config/schema-build.ts';
import { experimentSchemaJson, schemaAjv } from '../../src/config/schema.ts';
import { loadPrecompiled, PRECOMPILED_FILE, schemaHash } from '../../src/config/schema-precompiled.ts';

// The validator requires ajv's runtime helpers by package name, as it does from dist/: so the
// scratch directory sits where the project's node_modules resolve.
const scratch = fileURLToPath(new URL('../../node_modules/.cache/', import.meta.url));
function scratchDir(): string {
  mkdirSync(scratch, { recursive: true });
  return mkdtempSync(join(scratch, 'dapt-schema-'));
}

const documents: unknown[] = [
  { name: 'ok', corpora: {}, tasks: {}, arms: { baseline: [] } },
  { name: 'bad name!', arms: 3, finetune: { lr: 'high', seeds: [1, 1.5] }, unknown_key: true },
  { name: 'x', masking: { probability: 2 }, tasks: { t: { path: 5, metric: 'accuracy_at_k' } } },
  [],
];

test('the precompiled validator gives the same verdicts and errors as the compiled one', () => {
  const dir = scratchDir();
  try {
    writePrecompiledValidator(dir);
    const precompiled = loadPrecompiled(schemaHash(experimentSchemaJson), pathToFileURL(`${dir}/`));
    assert.ok(precompiled !== null, 'the written validator loads');
    const compiled = schemaAjv().compile(experimentSchemaJson);
    for (const doc of documents) {
      assert.equal(precompiled(doc), compiled(doc), JSON.stringify(doc));
      assert.deepEqual(precompiled.errors ?? null, compiled.errors ?? null, JSON.stringify(doc));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a validator made from another schema, or none at all, is not used', () => {
  const dir = scratchDir();
  try {
    const url = pathToFileURL(`${dir}/`);
    assert.equal(loadPrecompiled(schemaHash(experimentSchemaJson), url), null, 'no file');
    writePrecompiledValidator(dir);
    assert.equal(loadPrecompiled(schemaHash({ ...experimentSchemaJson, title: 'edited' }), url), null, 'schema edited after the build');
    const other = join(dir, 'other'); // require caches a module by path
    mkdirSync(other);
    writeFileSync(join(other, PRECOMPILED_FILE), 'module.exports = function () { return true; };\n');
    assert.equal(loadPrecompiled(schemaHash(experimentSchemaJson), pathToFileURL(`${other}/`)), null, 'a file without a schema hash');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
