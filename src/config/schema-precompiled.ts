/**
 * The experiment validator precompiled by the build (schema-build.ts): ajv's standalone code for
 * the schema, saved as CommonJS next to this module in dist/. It carries the hash of the schema
 * it was made from, because schemas/ is not a build input: an edited schema makes it unused.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';

export const PRECOMPILED_FILE = 'experiment-validator.cjs';

interface PrecompiledModule {
  default: ValidateFunction;
  schemaHash?: string;
}

export function schemaHash(schema: unknown): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex');
}

/** The precompiled validator when one sits in `dir` and was made from the schema hashing to `hash`. */
export function loadPrecompiled(hash: string, dir: URL = new URL('.', import.meta.url)): ValidateFunction | null {
  const file = new URL(PRECOMPILED_FILE, dir);
  if (!existsSync(file)) return null;
  const loaded = createRequire(file)(file.pathname) as PrecompiledModule;
  return loaded.schemaHash === hash ? loaded.default : null;
}
