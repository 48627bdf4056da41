/**
 * Build step (bin/build.js): writes the experiment validator as ajv standalone code, so that no
 * command compiles the schema at start-up (schema-precompiled.ts loads it).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import standalone from 'ajv/dist/standalone/index.js';
import { experimentSchemaJson, schemaAjv } from './schema.ts';
import { PRECOMPILED_FILE, schemaHash } from './schema-precompiled.ts';

/** Writes `dir`/experiment-validator.cjs; returns its path. */
export function writePrecompiledValidator(dir: string): string {
  const ajv = schemaAjv({ source: true });
  // a CommonJS module whose exports are the function and whose .default is the function too
  const code = standalone.default(ajv, ajv.compile(experimentSchemaJson));
  const file = join(dir, PRECOMPILED_FILE);
  writeFileSync(file, `${code}\nmodule.exports.schemaHash = ${JSON.stringify(schemaHash(experimentSchemaJson))};\n`);
  return file;
}
