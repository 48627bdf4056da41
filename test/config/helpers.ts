/** In-memory experiment files for config tests: no disk needed. */
import assert from 'node:assert/strict';
import { dirname, resolve } from 'node:path';
import { validateExperimentText } from '../../src/config/validate.ts';
import type { Experiment, ExperimentSpec, ValidationResult } from '../../src/config/types.ts';

export const MAIN = '/exp/main.yaml';

export function validateText(text: string, files: Record<string, string> = {}, file = MAIN): ValidationResult {
  return validateExperimentText(text, file, (rel, from) => {
    const f = resolve(dirname(from), rel);
    return files[f] !== undefined ? { text: files[f]!, file: f } : null;
  });
}

export function valid(text: string, files: Record<string, string> = {}, file = MAIN): Experiment {
  const r = validateText(text, files, file);
  if (!r.ok) assert.fail(`expected a valid experiment, got:\n${r.issues.map((i) => `${i.line}:${i.col} ${i.code} ${i.message}`).join('\n')}`);
  return r.experiment;
}

export function spec(text: string, files: Record<string, string> = {}): ExperimentSpec {
  return valid(text, files).points[0]!.spec;
}
