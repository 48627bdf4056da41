/** The execution profile's definition (schemas/profile.schema.json) names every stage kind, and only those. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import profileSchema from '../../schemas/profile.schema.json' with { type: 'json' };
import { STAGE_KINDS } from '../../src/plan/types.ts';

test('slurm.resources accepts `default` and each stage kind', () => {
  const kinds = Object.keys(profileSchema.properties.slurm.properties.resources.properties);
  assert.deepEqual(kinds.sort(), ['default', ...STAGE_KINDS].sort());
});
